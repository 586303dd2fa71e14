"""Guildhall's vCard export, read by an independent parser (vobject).

The Rust side writes the file; this test only reads it. Run both from the repository root:

    INTEROP_OUT=target/interop cargo test -p guildhall-core --test vcard interop_vcard_file
    .venv/bin/pytest tests/interop

INTEROP_OUT is the folder that holds members.vcf (default target/interop). The members are the
fixed community of src-tauri/core/tests/common/mod.rs: names with accents, quotes, commas and
semicolons, a tag with a semicolon and one with a comma.
"""

import os
from pathlib import Path

import pytest
import vobject

ROOT = Path(__file__).resolve().parents[2]
FOLDER = Path(os.environ.get("INTEROP_OUT") or "target/interop")
VCF = (FOLDER if FOLDER.is_absolute() else ROOT / FOLDER) / "members.vcf"

# (FN, family, given, email, phone, categories), in the export's order (by name).
EXPECTED = [
    ('Aoife "Fee" O\'Brien', "O'Brien", 'Aoife "Fee"', "aoife@example.com", None,
     ["a;b", "écriture"]),
    ("Chen, Mei; Dr", "Dr", "Chen, Mei;", "mei@example.net", None, []),
    ("Zoë van der Berg", "Berg", "Zoë van der", "zoe@example.org", "+49 30 123456",
     ["data science", "paris, île-de-france", "rust"]),
]


@pytest.fixture(scope="module")
def raw() -> bytes:
    if not VCF.is_file():
        pytest.fail(
            f"{VCF} is missing: write it first with\n"
            "  INTEROP_OUT=target/interop cargo test -p guildhall-core --test vcard "
            "interop_vcard_file\n(from the repository root)",
            pytrace=False,
        )
    return VCF.read_bytes()


@pytest.fixture(scope="module")
def cards(raw: bytes) -> list:
    return list(vobject.readComponents(raw.decode("utf-8")))


def test_lines_are_crlf_and_at_most_75_octets(raw: bytes) -> None:
    assert raw.endswith(b"\r\n")
    lines = raw[:-2].split(b"\r\n")
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert all(len(line) <= 75 for line in lines)
    for line in lines:
        line.decode("utf-8")  # a fold never splits a character


def test_every_card_is_vcard_4_with_a_uuid_urn(cards: list) -> None:
    assert len(cards) == len(EXPECTED)
    uids = set()
    for card in cards:
        assert card.name == "VCARD"
        assert card.version.value == "4.0"
        assert card.uid.value.startswith("urn:uuid:")
        uids.add(card.uid.value)
    assert len(uids) == len(cards)


def test_names_emails_phones_and_categories_round_trip(cards: list) -> None:
    for card, (fn, family, given, email, phone, categories) in zip(cards, EXPECTED):
        assert card.fn.value == fn
        assert card.n.value.family == family
        assert card.n.value.given == given
        assert card.email.value == email
        if phone is None:
            assert "tel" not in card.contents
        else:
            assert card.tel.value == phone
        if categories:
            assert card.categories.value == categories
        else:
            assert "categories" not in card.contents
        assert "note" not in card.contents, "notes never leave in a mailing list"
