"""rotor.Store on the synthetic market: reads equal the Parquet files, filters,
frames, point-in-time reads, imports with their reports and errors, the check."""

import pandas as pd
import pyarrow.parquet as pq
import pytest

import rotor


def test_datasets_and_round_trip_equal_the_parquet_files(sim_store):
    s = rotor.Store(sim_store)
    names = s.datasets()
    assert {"prices", "macro"} <= set(names)
    for ds in names:
        ours = s.read(ds, frame="arrow")
        theirs = pq.read_table(s.dataset_path(ds))
        assert ours.num_rows == theirs.num_rows > 0, ds
        assert ours.column_names == theirs.column_names, ds
        pd.testing.assert_frame_equal(ours.to_pandas(), theirs.to_pandas(), check_dtype=False, obj=ds)


def test_prices_filters_and_frames(sim_store):
    s = rotor.Store(sim_store)
    allpx = s.prices()
    code = allpx["code"].iloc[0]
    px = s.prices([code], start="2018-01-01", end="2018-12-31")
    assert set(px["code"]) == {code}
    assert px["date"].min() >= pd.Timestamp("2018-01-01").date()
    assert px["date"].max() <= pd.Timestamp("2018-12-31").date()
    expect = allpx[(allpx.code == code) & (allpx.date >= pd.Timestamp("2018-01-01").date()) & (allpx.date <= pd.Timestamp("2018-12-31").date())]
    assert len(px) == len(expect)
    wide = s.prices(field="close")
    assert isinstance(wide.index, pd.DatetimeIndex) and code in wide.columns
    one = allpx[allpx.code == code].set_index("date")["close"]
    one.index = pd.to_datetime(one.index)
    pd.testing.assert_series_equal(wide[code].dropna(), one.dropna(), check_names=False, check_freq=False)
    assert wide.loc["2018"].index.min() >= pd.Timestamp("2018-01-01")
    assert s.prices([code], start="2018-01-01", end="2018-06-30", field="close").shape[1] == 1
    pl = pytest.importorskip("polars")
    assert isinstance(s.prices([code], frame="polars"), pl.DataFrame)


def test_as_of_reads_only_what_was_known(sim_store):
    s = rotor.Store(sim_store)
    t = "2016-06-30"
    m = s.as_of(t).read("macro")
    assert len(m) > 0
    assert (pd.to_datetime(m["available_at"]) <= pd.Timestamp(t)).all()
    full = s.read("macro")
    assert len(full) > len(m), "later releases are left out"
    px = s.as_of(t).prices()
    assert pd.to_datetime(px["date"]).max() <= pd.Timestamp(t)


def test_import_files_reports_rows_and_bad_files_raise(tmp_path):
    csv = tmp_path / "510300.csv"
    csv.write_text("日期,开盘,收盘,最高,最低,成交量,成交额\n2024-01-02,3.5,3.6,3.7,3.4,100,36000\n2024-01-03,3.6,3.7,3.8,3.5,120,44400\n")
    s = rotor.Store(tmp_path / "store")
    rep = s.import_files(csv, dataset="prices", preset="akshare", asset_type="etf", code="510300.SH")
    assert "prices" in s.datasets()
    assert len(s.prices(["510300.SH"])) == 2
    assert rep, "an import report"
    bad = tmp_path / "bad.csv"
    bad.write_text("日期,开盘,收盘,最高,最低,成交量,成交额\n2024-01-04,3.6,abc,3.8,3.5,120,44400\n")
    with pytest.raises(rotor.RotorError) as e:
        s.import_files(bad, dataset="prices", preset="akshare", asset_type="etf", code="510300.SH")
    msg = str(e.value)
    assert "bad.csv" in msg and "abc" in msg, msg


def test_check_and_errors(sim_store):
    rep = rotor.Store(sim_store).check()
    assert "findings" in rep
    with pytest.raises(rotor.RotorError, match="unknown dataset"):
        rotor.Store(sim_store).read("nope")
