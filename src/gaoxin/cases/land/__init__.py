"""盘活存量: the land register's 53号令 clocks, 低效 flags, ranking and matching, and 一企一策 disposal cases."""
