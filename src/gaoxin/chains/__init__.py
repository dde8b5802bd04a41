"""产业链图谱 (industry-chain maps): chain packs, enterprise→node tagging, analysis, targets and export."""
