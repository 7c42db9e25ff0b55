"""cleaner.spark in local[2] mode: the same text as RuleSet.clean in-process, document by document."""

from __future__ import annotations

import os
import shutil
import sys

import pytest
from conftest import REPO, dev_inputs, seed_files

from cleaner import load_rules

pytestmark = pytest.mark.slow

pyspark = pytest.importorskip("pyspark", reason="pyspark is not installed: pip install -e '.[test]'")
pytest.importorskip("pandas", reason="pandas is not installed: pip install -e '.[spark]'")
pytest.importorskip("pyarrow", reason="pyarrow is not installed: pip install -e '.[spark]'")
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("no Java runtime (Spark needs Java 17+): apt-get install openjdk-17-jre-headless",
                allow_module_level=True)


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    # Workers are started by Spark with this environment: the same interpreter, and this checkout importable.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    session = (SparkSession.builder.master("local[2]").appName("vn-cleaner-test")
               .config("spark.driver.host", "127.0.0.1")
               .config("spark.driver.bindAddress", "127.0.0.1")
               .config("spark.ui.enabled", "false")
               .config("spark.sql.shuffle.partitions", "2")
               .config("spark.sql.execution.arrow.pyspark.enabled", "true")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _documents() -> list[tuple[str, str]]:
    return [(p.name, p.read_text(encoding="utf-8")) for p in seed_files() + dev_inputs()]


def test_spark_gives_the_same_text_as_in_process(spark):
    from cleaner.spark import clean_column

    docs = _documents()
    rules = load_rules("vn-news")
    df = spark.createDataFrame([*docs, ("null", None)], "name string, text string").repartition(3)
    rows = clean_column(df, "text", "vn-news", output_column="clean").collect()
    got = {r["name"]: (r["text"], r["clean"]) for r in rows}
    assert len(got) == len(docs) + 1
    for name, text in docs:
        assert got[name] == (text, rules.clean(text)), name
    assert got["null"] == (None, None)


def test_rules_from_a_file_reach_the_workers_without_the_file(spark, tmp_path):
    from cleaner.spark import clean_column

    rule_file = tmp_path / "site.yaml"
    rule_file.write_text("name: site\nrules:\n  - id: drop-hello\n    why: a greeting line\n"
                         "    pattern: '^xin chào$'\n", encoding="utf-8")
    df = spark.createDataFrame([("Xin chào\nBài báo.\n",)], "text string")
    cleaned = clean_column(df, "text", str(rule_file))
    rule_file.unlink()  # the rules were read on the driver; the job carries them
    assert [r["text"] for r in cleaned.collect()] == ["Bài báo.\n"]


def test_a_column_that_is_not_text_is_refused(spark):
    from cleaner.spark import clean_column

    df = spark.createDataFrame([(1,)], "n int")
    with pytest.raises(ValueError, match="not strings"):
        clean_column(df, "n")
    with pytest.raises(ValueError, match="no column 'text'"):
        clean_column(df, "text")


def test_a_site_file_extending_vn_news_combines_as_the_readme_shows(spark, tmp_path, monkeypatch):
    from cleaner.spark import clean_column

    monkeypatch.chdir(tmp_path)
    (tmp_path / "my-site.yaml").write_text(
        "extends: vn-news\nrules:\n  - id: my-site-promo\n    why: the app banner\n"
        "    pattern: '^Đọc báo my-site trên điện thoại'\n", encoding="utf-8")
    text = "icon facebook\nHà Nội mưa to suốt đêm qua.\nĐọc báo my-site trên điện thoại\n"
    df = spark.createDataFrame([(text,)], "text string")
    got = [r["text"] for r in clean_column(df, "text", rules=("vn-news", "my-site.yaml")).collect()]
    assert got == ["Hà Nội mưa to suốt đêm qua.\n"]
    assert got == [load_rules("my-site.yaml").clean(text)]


def test_a_row_the_rules_would_empty_keeps_its_text_and_is_counted(spark, tmp_path):
    """The guard of files protects rows: the text stays as it was, the guard column says why."""
    from cleaner.spark import clean_column

    rule_file = tmp_path / "eater.yaml"
    rule_file.write_text("name: eater\nrules:\n  - id: eat-mua\n    why: a rule too wide\n"
                         "    pattern: 'mưa'\n", encoding="utf-8")
    eaten = "Hà Nội mưa to.\nTrời mưa suốt đêm.\n"  # every line has the word: the rule would empty it
    kept = "Hà Nội mưa to.\nGiá lúa tăng mạnh trong tuần qua ở khắp các tỉnh miền Tây.\n"
    df = spark.createDataFrame([("a", eaten), ("b", kept), ("c", None)], "name string, text string")
    out = clean_column(df, "text", str(rule_file))
    rows = {r["name"]: r for r in out.collect()}
    assert rows["a"]["text"] == eaten and "empty" in rows["a"]["guard"]
    assert rows["b"]["text"] == "Giá lúa tăng mạnh trong tuần qua ở khắp các tỉnh miền Tây.\n"
    assert rows["b"]["guard"] is None and rows["c"]["guard"] is None
    assert out.where(out.guard.isNotNull()).count() == 1
    forced = {r["name"]: r for r in clean_column(df, "text", str(rule_file), force=True,
                                                  guard_column=None).collect()}
    assert forced["a"]["text"] == "" and "guard" not in forced["a"].asDict()
