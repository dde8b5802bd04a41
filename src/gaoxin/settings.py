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


class Limits(BaseSettings):
    """What one user file may hold, checked before it is parsed (environment variables GAOXIN_LIMIT_…).

    Every refusal names the file, the part (sheet, archive member), the limit and its variable. The web's own
    limits (request body, files per upload, page sizes) are in `gaoxin.web.deps.WebSettings` (GAOXIN_WEB_…)."""

    model_config = SettingsConfigDict(env_prefix="GAOXIN_LIMIT_")

    file_mb: float = 50.0  # one file on disk (xlsx, xls, xlsb, ods, csv)
    member_mb: float = 400.0  # one member of an xlsx / ods archive, uncompressed (a sheet's XML)
    ratio: float = 200.0  # uncompressed / compressed size of one archive member above 8 MB (zip bombs)
    rows: int = 1_000_000  # rows of one sheet
    columns: int = 1_000  # columns of one sheet
    cells: int = 20_000_000  # rows × columns of one sheet
    text_chars: int = 2_000  # characters of one text cell (a firm name, an address)
    year_min: int = 1990  # data years accepted
    year_ahead: int = 1  # years after the current one a data year may be (a plan year)


def get_limits() -> Limits:
    return Limits()
