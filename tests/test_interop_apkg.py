"""Anki packages imported with their history: a collection built and reviewed by the real Anki
(the `anki` test extra) with notes of every stock type and a custom one, FSRS on and reviews
over simulated weeks, exported by Anki itself as .apkg (legacy and current) and .colpkg."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from refresher.banks.load import load_bank
from refresher.cli import app
from refresher.formats.imported import stable_id
from refresher.storage.store import open_store

anki_collection = pytest.importorskip("anki.collection")
pytest.importorskip("zstandard")

DAY_MS = 86_400_000
# (day, ease, revlog type): learn, review, review, a lapse, relearn, review
HISTORY = [(0, 3, 0), (1, 3, 1), (4, 3, 1), (12, 1, 1), (13, 3, 2), (20, 3, 1)]


def _add(col, notetype, values, deck, tags=()):
    note = col.new_note(col.models.by_name(notetype))
    for key, value in values.items():
        note[key] = value
    note.tags = list(tags)
    col.add_note(note, col.decks.id(deck))
    return note


@pytest.fixture(scope="module")
def packages(tmp_path_factory):
    folder = tmp_path_factory.mktemp("anki")
    col = anki_collection.Collection(str(folder / "collection.anki2"))
    col.set_config("fsrs", True)
    basic = _add(
        col,
        "Basic",
        {"Front": "What is BPTT?", "Back": "Backprop <b>through</b> time"},
        "Deep::RNN",
        ["rnn"],
    )
    _add(
        col,
        "Basic (and reversed card)",
        {"Front": "GRU", "Back": "Gated recurrent unit"},
        "Deep::RNN",
    )
    _add(
        col,
        "Basic (optional reversed card)",
        {"Front": "LSTM", "Back": "Long short-term memory", "Add Reverse": "y"},
        "Deep::LSTM",
    )
    _add(
        col,
        "Basic (optional reversed card)",
        {"Front": "CEC", "Back": "Constant error carousel"},
        "Deep::LSTM",
    )
    _add(
        col,
        "Basic (type in the answer)",
        {"Front": "The gate that forgets", "Back": "forget"},
        "Deep::LSTM",
    )
    _add(
        col,
        "Cloze",
        {
            "Text": "c_t = {{c1::f_t::a gate}} * c + {{c2::i_t}} * g",
            "Back Extra": "from the session",
        },
        "Deep::LSTM",
    )
    vocab = col.models.copy(col.models.by_name("Basic"))
    vocab["name"] = "Vocab"
    col.models.add_field(vocab, col.models.new_field("Example"))
    col.models.update_dict(vocab)
    _add(
        col,
        "Vocab",
        {"Front": "tanh", "Back": "hyperbolic tangent", "Example": "tanh(0) = 0"},
        "Deep::RNN",
    )
    suspended = _add(col, "Basic", {"Front": "Old card", "Back": "suspended in Anki"}, "Deep::RNN")
    cid = basic.cards()[0].id
    start = (int(time.time()) // 86400 - 30) * 86400 * 1000
    for k, (day, ease, kind) in enumerate(HISTORY):
        col.db.execute(
            "INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type)"
            " VALUES (?, ?, -1, ?, 1, 1, 0, 4000, ?)",
            start + day * DAY_MS + k, cid, ease, kind,
        )  # fmt: skip
    old = suspended.cards()[0].id
    col.db.execute(
        "INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type)"
        " VALUES (?, ?, -1, 3, 1, 1, 0, 3000, 0)",
        start + 100, old,
    )  # fmt: skip
    col.sched.suspend_cards([old])
    anki_stability = col.compute_memory_state(cid).stability
    from anki.collection import ExportAnkiPackageOptions

    out = {}
    for name, legacy in (("legacy.apkg", True), ("current.apkg", False)):
        options = ExportAnkiPackageOptions(
            with_scheduling=True, with_deck_configs=True, with_media=True, legacy=legacy
        )
        col.export_anki_package(out_path=str(folder / name), options=options, limit=None)
        out[name] = folder / name
    col.export_collection_package(
        out_path=str(folder / "all.colpkg"), include_media=True, legacy=False
    )
    out["all.colpkg"] = folder / "all.colpkg"
    guids = {"basic": basic.guid, "suspended": suspended.guid}
    col.close()
    return out, guids, anki_stability, start


@pytest.mark.parametrize("name", ["legacy.apkg", "current.apkg", "all.colpkg"])
def test_anki_package_comes_in_with_its_history(tmp_path, packages, name):
    files, guids, anki_stability, start = packages
    target = tmp_path / "deck.yaml"
    result = CliRunner().invoke(app, ["import", str(files[name]), "--to", str(target)])
    assert result.exit_code == 0, result.stderr
    bank = load_bank(target)
    cards = {(q.prompt, getattr(q, "back", None)) for q in bank.questions if q.type == "card"}
    assert ("What is BPTT?", "Backprop through time") in cards
    assert ("GRU", "Gated recurrent unit") in cards and ("Gated recurrent unit", "GRU") in cards
    assert ("LSTM", "Long short-term memory") in cards
    assert ("Long short-term memory", "LSTM") in cards  # Add Reverse: y
    assert ("CEC", "Constant error carousel") in cards  # the flag is no part of the back
    assert not any(front == "Constant error carousel" for front, _ in cards)
    assert ("tanh", "hyperbolic tangent\n\ntanh(0) = 0") in cards
    typed = next(q for q in bank.questions if q.type == "blank")
    assert typed.prompt == "The gate that forgets" and typed.answers == ("forget",)
    cloze = next(q for q in bank.questions if q.type == "cloze")
    assert cloze.blanks == (("f_t",), ("i_t",)) and "a gate" in cloze.hint
    assert cloze.explanation == "from the session"
    assert len(bank.questions) == 10
    assert sorted(bank.topics.values()) == ["LSTM", "RNN"]
    assert "note type 'Vocab': first field shown as the front" in result.stderr
    assert "stored 7 Anki reviews in your history" in result.stderr

    basic_id = stable_id("anki", guids["basic"])
    with open_store() as store:
        card = store.question_id(bank.id, basic_id)
        logs = store.review_logs(card)
        assert [r for r, _, _ in logs] == [e for _, e, _ in HISTORY]
        first = datetime.fromisoformat(logs[0][1])
        assert abs(first - datetime.fromtimestamp(start / 1000, UTC)).total_seconds() < 1
        state = store.card_state(card)
        last = datetime.fromtimestamp((start + HISTORY[-1][0] * DAY_MS) / 1000, UTC)
        due_days = (state.card.due - last).total_seconds() / 86400
        assert abs(due_days - anki_stability) < 1.0, (due_days, anki_stability)
        old = store.card_state(store.question_id(bank.id, stable_id("anki", guids["suspended"])))
        assert old.suspended

    again = CliRunner().invoke(app, ["import", str(files[name]), "--to", str(target), "--force"])
    assert "already have a history here" in again.stderr
    with open_store() as store:
        assert len(store.review_logs(store.question_id(bank.id, basic_id))) == len(HISTORY)


def test_no_history_imports_the_notes_alone(tmp_path, packages):
    files, guids, _, _ = packages
    target = tmp_path / "deck.yaml"
    result = CliRunner().invoke(
        app, ["import", str(files["current.apkg"]), "--to", str(target), "--no-history"]
    )
    assert result.exit_code == 0, result.stderr
    bank = load_bank(target)
    assert len(bank.questions) == 10
    assert "--no-history: the Anki reviews were not imported" in result.stderr
    with open_store() as store:
        assert (
            store.review_logs(store.question_id(bank.id, stable_id("anki", guids["basic"]))) == []
        )


def test_a_damaged_package_is_one_line(tmp_path):
    bad = tmp_path / "bad.apkg"
    bad.write_bytes(b"PK\x03\x04not really a zip")
    result = CliRunner().invoke(app, ["import", str(bad), "--to", str(tmp_path / "x.yaml")])
    assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1
    assert "zip" in result.stderr and "Traceback" not in result.stderr


def test_a_collection_not_written_by_anki_is_one_line(tmp_path):
    import sqlite3
    import zipfile

    db = tmp_path / "h.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE col (ver, models, decks)")
        conn.execute("INSERT INTO col VALUES (11, '{bad json', '{}')")
    conn.close()
    with zipfile.ZipFile(tmp_path / "h.apkg", "w") as z:
        z.write(db, "collection.anki2")
    result = CliRunner().invoke(
        app, ["import", str(tmp_path / "h.apkg"), "--to", str(tmp_path / "h.yaml")]
    )
    assert result.exit_code == 1 and "not as Anki writes it" in result.stderr
    assert not (tmp_path / "h.yaml").exists()


def test_a_refresher_export_reviewed_in_anki_comes_back_with_its_reviews(tmp_path):
    from anki import import_export_pb2 as pb
    from anki.collection import ExportAnkiPackageOptions

    from refresher.banks.catalog import bundled_dir

    bundled = load_bank(bundled_dir() / "session-14.yaml")
    out = tmp_path / "s14.apkg"
    assert CliRunner().invoke(app, ["export", "--to", str(out), "--subdecks"]).exit_code == 0
    col = anki_collection.Collection(str(tmp_path / "collection.anki2"))
    try:
        col.import_anki_package(pb.ImportAnkiPackageRequest(package_path=str(out)))
        fronts = {}
        for did in [d.id for d in col.decks.all_names_and_ids()]:
            col.decks.select(did)
            for ease in (3, 1, 4):
                card = col.sched.getCard()
                if card is None:
                    break
                col.sched.answerCard(card, ease)
                fronts[card.id] = ease
        reviewed = col.db.scalar("SELECT count() FROM revlog")
        notes = col.note_count()
        options = ExportAnkiPackageOptions(with_scheduling=True, with_media=False, legacy=False)
        col.export_anki_package(out_path=str(tmp_path / "back.apkg"), options=options, limit=None)
    finally:
        col.close()
    assert reviewed >= 3
    target = tmp_path / "back.yaml"
    result = CliRunner().invoke(app, ["import", str(tmp_path / "back.apkg"), "--to", str(target)])
    bank = load_bank(target)
    note_ids = {q.id.split("-card")[0] for q in bank.questions}
    assert len(note_ids) == notes == len(bundled.questions), result.stderr
    assert result.exit_code == 0, result.stderr
    assert f"stored {reviewed} Anki reviews in your history" in result.stderr
    with open_store() as store:
        logs = [store.review_logs(store.question_id(bank.id, q.id)) for q in bank.questions]
    assert sorted(r for log in logs for r, _, _ in log) == sorted(fronts.values())


def test_a_collection_expanding_past_the_limit_is_refused(tmp_path, packages, monkeypatch):
    from refresher.core import limits

    files, _, _, _ = packages
    monkeypatch.setattr(
        limits, "PACKAGE_COLLECTION_BYTES", 8192
    )  # above the zip member, below its expansion
    result = CliRunner().invoke(
        app, ["import", str(files["current.apkg"]), "--to", str(tmp_path / "x.yaml")]
    )
    assert result.exit_code == 1 and "expands past 8,192 bytes" in result.stderr
    assert not (tmp_path / "x.yaml").exists()


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory):
    """A collection reviewed through Anki's own scheduler with FSRS on, so each card in review
    has the memory state Anki stores in `cards.data`; one card's state as an optimized preset
    would leave it (a stability no default replay gives); media named and missing."""
    from anki.collection import ExportAnkiPackageOptions

    folder = tmp_path_factory.mktemp("anki-fsrs")
    col = anki_collection.Collection(str(folder / "collection.anki2"))
    col.set_config("fsrs", True)
    did = col.decks.id("Deep")
    easy = _add(
        col, "Basic", {"Front": 'GRU <img src="gru.png">', "Back": "[sound:gru.mp3]"}, "Deep"
    )
    good = _add(col, "Basic", {"Front": "LSTM", "Back": 'cell <img src="gone.png">'}, "Deep")
    tuned = _add(col, "Basic", {"Front": "BPTT", "Back": "through time"}, "Deep")
    col.media.write_data("gru.png", b"\x89PNG\r\n\x1a\nimage")
    col.media.write_data("gru.mp3", b"ID3sound")
    col.media.write_data("unused.jpg", b"\xff\xd8jpeg")
    col.decks.select(did)
    answers = {easy.cards()[0].id: 4, good.cards()[0].id: 3, tuned.cards()[0].id: 4}
    for _ in answers:
        card = col.sched.getCard()
        col.sched.answerCard(card, answers[card.id])
    tuned_id = tuned.cards()[0].id
    state = '{"s":31.5,"d":4.25,"dr":0.9,"decay":0.154}'
    col.db.execute(
        "UPDATE cards SET data = ?, due = due + 20, ivl = 28 WHERE id = ?", state, tuned_id
    )
    crt = col.db.scalar("SELECT crt FROM col")
    anki = {
        note.guid: col.db.first(
            "SELECT type, due, data FROM cards WHERE id = ?", note.cards()[0].id
        )
        for note in (easy, good, tuned)
    }
    out = {}
    for name, legacy in (("legacy.apkg", True), ("current.apkg", False)):
        options = ExportAnkiPackageOptions(with_scheduling=True, with_media=True, legacy=legacy)
        col.export_anki_package(out_path=str(folder / name), options=options, limit=None)
        out[name] = folder / name
    col.close()
    return out, anki, crt, {"easy": easy.guid, "good": good.guid, "tuned": tuned.guid}


@pytest.mark.parametrize("name", ["legacy.apkg", "current.apkg"])
def test_anki_stored_fsrs_state_is_kept_and_media_reported(tmp_path, reviewed, name):
    import json

    files, anki, crt, guids = reviewed
    target = tmp_path / "deck.yaml"
    result = CliRunner().invoke(app, ["import", str(files[name]), "--to", str(target)])
    assert result.exit_code == 0, result.stderr
    err = result.stderr
    assert "2 cards keep the FSRS memory state Anki stored" in err  # the learning card replays
    assert "2 media files of the package (gru.mp3, gru.png) named in the notes stay" in err
    assert "1 media file named in the notes (gone.png) are not in the package" in err
    assert "unused.jpg" not in err  # Anki packs only the media its notes name
    bank = load_bank(target)
    q = {x.prompt: x for x in bank.questions}
    assert q["GRU [image: gru.png]"].back == "[sound: gru.mp3]"
    with open_store() as store:
        for key in ("easy", "tuned"):
            kind, due, data = anki[guids[key]]
            assert kind == 2
            state = store.card_state(store.question_id(bank.id, stable_id("anki", guids[key])))
            stored = json.loads(data)
            assert state.card.stability == pytest.approx(stored["s"])
            assert state.card.difficulty == pytest.approx(stored["d"])
            anki_due = datetime.fromtimestamp(crt + due * 86400, UTC)
            assert abs((state.card.due - anki_due).total_seconds()) < 86400
        tuned = store.card_state(store.question_id(bank.id, stable_id("anki", guids["tuned"])))
        assert tuned.card.stability == 31.5  # no replay of one Easy rating gives this
        learning = store.card_state(store.question_id(bank.id, stable_id("anki", guids["good"])))
        assert learning is not None and learning.reps == 1
