import pytest

from govmb.auth import AuthError, Identity, issue_token, read_token

SECRET = "k" * 40


def who(path="/1/5/", *roles):
    return Identity(7, "张三", int(path.strip("/").split("/")[-1]), path, frozenset(roles or ("operator",)))


def test_a_token_carries_person_unit_path_and_roles():
    back = read_token(issue_token(who("/1/5/", "leader", "operator"), SECRET, 60), SECRET)
    assert back == who("/1/5/", "leader", "operator")


@pytest.mark.parametrize("target,expected", [("/1/5/", True), ("/1/5/9/", True), ("/1/6/", False),
                                             ("/1/", False), ("/1/50/", False)])
def test_a_unit_sees_itself_and_below_only(target, expected):
    assert who("/1/5/").may_see(target) is expected


@pytest.mark.parametrize("role", ["joint_office", "supervision", "admin"])
def test_city_wide_roles_see_all(role):
    assert who("/1/5/", role).may_see("/1/6/7/")


def test_an_expired_or_forged_token_is_refused():
    with pytest.raises(AuthError):
        read_token(issue_token(who(), SECRET, -1), SECRET)
    with pytest.raises(AuthError):
        read_token(issue_token(who(), SECRET, 60), "other" * 10)
    with pytest.raises(AuthError):
        read_token("not-a-token", SECRET)


def test_unknown_roles_in_a_token_grant_nothing():
    back = read_token(issue_token(who("/1/", "operator", "emperor"), SECRET, 60), SECRET)
    assert back.roles == frozenset({"operator"})
