import base64
import json

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from govmb.auth import AuthError, Identity, issue_token, read_token
from govmb.keys import KeyRing

SECRET = KeyRing.of(Ed25519PrivateKey.generate(), [])  # the registry's ring: it signs
PUBLIC = SECRET.verifying_only()  # a service's: it verifies


def who(path="/1/5/", *roles):
    return Identity(7, "张三", int(path.strip("/").split("/")[-1]), path, frozenset(roles or ("operator",)),
                    session="s-1")


def test_a_token_carries_person_unit_path_and_roles():
    back = read_token(issue_token(who("/1/5/", "leader", "operator"), SECRET, 60), PUBLIC)
    assert back == who("/1/5/", "leader", "operator")
    assert jwt.get_unverified_header(issue_token(who(), SECRET, 60)) == {"alg": "EdDSA", "typ": "JWT",
                                                                          "kid": SECRET.signing_kid}


@pytest.mark.parametrize("target,expected", [("/1/5/", True), ("/1/5/9/", True), ("/1/6/", False),
                                             ("/1/", False), ("/1/50/", False)])
def test_a_unit_sees_itself_and_below_only(target, expected):
    assert who("/1/5/").may_see(target) is expected


@pytest.mark.parametrize("role", ["joint_office", "supervision", "admin"])
def test_city_wide_roles_see_all(role):
    assert who("/1/5/", role).may_see("/1/6/7/")


def test_an_expired_or_forged_token_is_refused():
    with pytest.raises(AuthError):
        read_token(issue_token(who(), SECRET, -1), PUBLIC)
    other = KeyRing.of(Ed25519PrivateKey.generate(), [])
    with pytest.raises(AuthError, match="no key"):
        read_token(issue_token(who(), other, 60), PUBLIC)
    with pytest.raises(AuthError):
        read_token("not-a-token", PUBLIC)


def _with_header(token: str, **header) -> str:
    head, body, signature = token.split(".")
    fields = {**json.loads(base64.urlsafe_b64decode(head + "==")), **header}
    return ".".join((base64.urlsafe_b64encode(json.dumps(fields).encode()).decode().rstrip("="), body, signature))


def test_a_token_signed_by_another_key_under_our_kid_or_with_another_algorithm_is_refused():
    other = KeyRing.of(Ed25519PrivateKey.generate(), [])
    with pytest.raises(AuthError):  # our key's name on another key's signature
        read_token(_with_header(issue_token(who(), other, 60), kid=SECRET.signing_kid), PUBLIC)
    claims = {"sub": "1", "name": "x", "unit": 1, "path": "/1/", "roles": ["admin"], "iss": "govmb-registry",
              "exp": 4102444800}
    for key in ("embedded-dev-secret-not-for-production-use", SECRET.signing_kid):  # the old shared secret; the kid
        forged = jwt.encode(claims, key, algorithm="HS256", headers={"kid": SECRET.signing_kid})
        with pytest.raises(AuthError):
            read_token(forged, PUBLIC)
    with pytest.raises(AuthError):
        read_token(jwt.encode(claims, None, algorithm="none", headers={"kid": SECRET.signing_kid}), PUBLIC)


def test_a_process_without_the_private_key_can_mint_nothing():
    with pytest.raises(AuthError, match="only the registry"):
        issue_token(who(), PUBLIC, 60)


def test_two_keys_are_valid_at_once_while_one_is_rotated_out():
    new = KeyRing.of(Ed25519PrivateKey.generate(), [])
    both = KeyRing.of(None, [*PUBLIC.public.values(), *new.public.values()])
    assert read_token(issue_token(who(), SECRET, 60), both) == who()
    assert read_token(issue_token(who(), new, 60), both) == who()
    with pytest.raises(AuthError):  # once the old key is dropped, its tokens are refused
        read_token(issue_token(who(), SECRET, 60), new.verifying_only())


def test_a_persons_token_without_a_session_is_refused():
    sessionless = Identity(7, "张三", 5, "/1/5/", frozenset({"operator"}))  # a person outside any sign-in
    with pytest.raises(AuthError, match="session"):
        read_token(issue_token(sessionless, SECRET, 60), PUBLIC)
    system = Identity(0, "12345热线", 5, "/1/5/", frozenset({"intake"}), client="system:1")
    assert read_token(issue_token(system, SECRET, 60), PUBLIC) == system  # a system has no session


def test_unknown_roles_in_a_token_grant_nothing():
    back = read_token(issue_token(who("/1/", "operator", "emperor"), SECRET, 60), PUBLIC)
    assert back.roles == frozenset({"operator"})
