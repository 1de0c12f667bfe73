"""rotor.text: the text tools from Python on the offline backend — the same answers
as `rotor text`, cached (a second call asks nothing), errors as RotorError."""

import subprocess

import pandas as pd
import pytest

import rotor
import rotor.text as rt

TEXTS = pd.DataFrame({
    "id": ["f1", "f2", "n1"],
    "text": [
        "本基金坚持自下而上精选个股，长期持有优质公司，风格稳定。",
        "本基金根据市场风格的变化，在成长与价值、大盘与小盘之间进行风格轮动。",
        "人形机器人产业链持续催化，机械设备板块走强，拓斯达300607涨停。天气晴朗。",
    ],
})


def test_classify_is_cached_and_equals_the_command_line(tmp_path, rotor_bin):
    cache = tmp_path / "cache"
    r = rt.classify(TEXTS, task="rotation_confirm", cache=cache)
    labels = dict(zip(r.table["id"], r.table["label"]))
    assert labels == {"f1": "no", "f2": "yes", "n1": "unclear"}
    assert r.asked == 3 and r.backend == "offline"
    again = rt.classify(TEXTS, task="rotation_confirm", cache=cache)
    assert again.asked == 0 and again.from_cache == 3
    pd.testing.assert_frame_equal(again.table, r.table)
    TEXTS.to_csv(tmp_path / "texts.csv", index=False)
    subprocess.run([rotor_bin, "-q", "text", "classify", "--input", str(tmp_path / "texts.csv"), "--task", "rotation_confirm",
                    "--cache", str(tmp_path / "c2"), "--out", str(tmp_path / "out")], check=True, capture_output=True)
    cli = pd.read_csv(tmp_path / "out" / "labels.csv", dtype=str, keep_default_na=False)
    assert list(cli["label"]) == list(r.table["label"])
    assert list(cli["reason"]) == list(r.table["reason"])


def test_summarise_and_extract(tmp_path):
    text = "央行宣布下调存款准备金率0.5个百分点。此次下调存款准备金率将释放长期资金约1万亿元。天气晴朗适宜出行。降准有助于降低银行资金成本。"
    s = rt.summarise([text], cache=tmp_path)
    assert "天气" not in s.table["summary"][0]
    e = rt.extract(TEXTS, cache=tmp_path, stocks={"300607.SZ": "拓斯达"})
    row = e.table[e.table["id"] == "n1"].iloc[0]
    assert (row["concept"], row["industry"], row["stock_code"]) == ("人形机器人", "机械设备", "300607.SZ")
    assert len(e.failures) == 0


def test_errors(tmp_path):
    with pytest.raises(rotor.RotorError, match="is a classify task"):
        rt.summarise(["x"], task="fund_style", cache=tmp_path)
    with pytest.raises(rotor.RotorError, match="base_url"):
        rt.classify(["x"], task="fund_style", backend="openai", cache=tmp_path)
    with pytest.raises(ValueError, match="id and text"):
        rt.classify(pd.DataFrame({"x": [1]}), task="fund_style")
