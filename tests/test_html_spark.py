"""cleaner.spark with html=True in local[2] mode: each page's text as RuleSet.clean_html gives it."""

from __future__ import annotations

import os
import shutil
import sys

import pytest
from conftest import REPO, SHARED

from cleaner import load_rules

pytestmark = pytest.mark.slow

pytest.importorskip("pyspark", reason="pyspark is not installed: pip install -e '.[test]'")
pytest.importorskip("pandas", reason="pandas is not installed: pip install -e '.[spark]'")
pytest.importorskip("pyarrow", reason="pyarrow is not installed: pip install -e '.[spark]'")
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("no Java runtime (Spark needs Java 17+): apt-get install openjdk-17-jre-headless",
                allow_module_level=True)

PAGES = sorted((SHARED / "corpus").glob("dev*/html/*.html"))


def test_spark_cleans_html_pages_as_in_process() -> None:
    from pyspark.sql import SparkSession

    from cleaner.spark import clean_column

    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    spark = (SparkSession.builder.master("local[2]").appName("vn-cleaner-html-test")
             .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
             .config("spark.ui.enabled", "false")
             .config("spark.sql.execution.arrow.pyspark.enabled", "true").getOrCreate())
    try:
        pages = [(p.stem, p.read_text(encoding="utf-8")) for p in PAGES]
        pages.append(("tiny", "<nav><a href='/'>Xã hội</a></nav><p>Hà Nội mưa to.</p>"))
        df = spark.createDataFrame(pages, ["name", "html"])
        rows = clean_column(df, "html", output_column="text", html=True).collect()
        got = {r["name"]: r["text"] for r in rows}
    finally:
        spark.stop()
    rules = load_rules()
    assert got == {name: rules.clean_html(html) for name, html in pages}
    assert got["tiny"] == "Hà Nội mưa to.\n"
