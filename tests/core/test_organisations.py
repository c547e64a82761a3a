"""Organisation names and a round's aliases: parsing the alias lines, and which names are one."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bidtool.core.errors import InvalidInput
from bidtool.core.organisations import MAX_NAME, Aliases, format_aliases, normalise, parse_aliases

FAST = settings(max_examples=200, deadline=None)

# Letters of English and Welsh names (some of Unicode's case pairs, such as the dotless i, are not
# one name in both cases).
LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789&'()-.ŵŷâêîôûéèçñ"
words = st.text(LETTERS, min_size=1, max_size=12)
names = st.lists(words, min_size=1, max_size=4).map(" ".join)
spaces = st.text(" \t", min_size=1, max_size=3)


@st.composite
def alias_groups(draw) -> tuple[tuple[str, ...], ...]:
    """Groups of two or more names, no name (as compared) in two places."""
    taken: set[str] = set()
    groups = []
    for _ in range(draw(st.integers(0, 5))):
        group = draw(
            st.lists(names.filter(lambda n, taken=taken: normalise(n) not in taken), min_size=2, max_size=4)
        )
        keys = {normalise(n) for n in group}
        if len(keys) == len(group):
            taken |= keys
            groups.append(tuple(group))
    return tuple(groups)


def problems(text: str) -> list[str]:
    with pytest.raises(InvalidInput) as raised:
        parse_aliases(text)
    return [str(p) for p in raised.value.problems]


def test_names_compare_without_case_or_runs_of_white_space():
    assert normalise("  Swindon\t Borough   COUNCIL ") == "swindon borough council"


def test_alias_lines_become_groups_blank_lines_skipped_and_spaces_tidied():
    text = "Swindon BC = Swindon  Borough Council\n\n  Wilts Police=Wiltshire Police = WP \n"
    assert parse_aliases(text) == (
        ("Swindon BC", "Swindon Borough Council"),
        ("Wilts Police", "Wiltshire Police", "WP"),
    )


def test_each_bad_line_is_named_with_what_is_wrong():
    text = "\n".join(
        [
            "Swindon BC = Swindon Borough Council",
            "Wiltshire Police",
            "Wilts Police = ",
            f"A = {'x' * (MAX_NAME + 1)}",
            "swindon  bc = One Swindon",
            "Dorset Council = DORSET COUNCIL",
            "Bad \x07 name = Good name",
        ]
    )
    assert problems(text) == [
        "Line 2: names only one organisation: give two or more names separated by ' = '",
        "Line 3: has an empty name: put a name on each side of every '='",
        f"Line 4: has a name longer than {MAX_NAME} characters",
        "Line 5: names 'swindon bc' and line 1 too: a name can be in one group only",
        "Line 6: names 'DORSET COUNCIL' twice: a name can be in one group only",
        "Line 7: has a name with a control character: remove it",
    ]


def test_a_name_outside_every_group_is_only_itself():
    aliases = Aliases((("Swindon BC", "Swindon Borough Council"),))
    assert aliases.same("SWINDON bc", "swindon borough  council")
    assert aliases.same("Wiltshire Police", "wiltshire police")
    assert not aliases.same("Swindon BC", "Wiltshire Police")


@FAST
@given(alias_groups())
def test_alias_lines_written_out_read_back_the_same(groups):
    assert parse_aliases(format_aliases(groups)) == groups


@FAST
@given(names, spaces, st.booleans())
def test_normalising_ignores_case_and_spacing_and_is_idempotent(name, space, upper):
    spaced = space + space.join(name.split(" ")) + space
    typed = spaced.upper() if upper else spaced
    assert normalise(typed) == normalise(normalise(name)) == normalise(name.upper() if upper else name)


@FAST
@given(alias_groups(), st.data())
def test_names_are_one_organisation_exactly_when_they_share_a_group(groups, data):
    aliases = Aliases(groups)
    everyone = [(i, name) for i, group in enumerate(groups) for name in group]
    if not everyone:
        return
    (i, one), (j, other) = data.draw(st.sampled_from(everyone)), data.draw(st.sampled_from(everyone))
    assert aliases.same(one, other) == (i == j)
    assert aliases.same(one.upper(), f"  {other} ") == (i == j)
