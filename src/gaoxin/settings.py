"""Settings in one place (environment variables prefixed GAOXIN_)."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GAOXIN_")

    db: Path = Path("gaoxin.duckdb")
    demo_out: Path = Path("demo_out")
    lang: str = "zh"


def get_settings() -> Settings:
    return Settings()
