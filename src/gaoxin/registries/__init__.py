"""Innovation registries: R&D platforms (创新平台) with their review cycles, technology contracts (技术合同登记),
talent (人才) and service providers (科技服务载体) — imported through the normal ingest path, review cycles and
the per-capita denominator kept as data (`rules.toml`), read by the CLI, the web pages and cultivation."""
