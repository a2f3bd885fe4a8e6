# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Input errors found by the bad_input integration table: each names the option, says what is wrong with
the value and the expected form, and never repeats a secret (a password in a URL, a private key)."""

from __future__ import annotations

import pytest

from ansible_collections.aemtools.brand_portal.plugins.module_utils._aem_client import (
    validate_connection_params,
    validate_url,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._brand_portal import (
    validate_credential_options,
    validate_tenant_url,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import AemInputError
from ansible_collections.aemtools.brand_portal.plugins.module_utils._ims import validate_ims_params
from ansible_collections.aemtools.brand_portal.plugins.module_utils._keystore import load_private_key
from ansible_collections.aemtools.brand_portal.plugins.module_utils._keystore import load_key_pair
from ansible_collections.aemtools.brand_portal.tests.mock_aem.ims_testkit import make_keypair

EXAMPLE = "https://author.example.com:4502"


@pytest.mark.parametrize("url, expected", [
    ("ftp://author:4502", "option url: 'ftp://author:4502' is not an absolute http(s) URL (scheme 'ftp'); expected "
                          "a base URL such as " + EXAMPLE),
    ("author:4502", "option url: 'author:4502' is not an absolute http(s) URL (no scheme); expected"),
    ("127.0.0.1:4502", "(no scheme)"),
    ("", "option url: '' is not an absolute http(s) URL (empty)"),
    ("https://", "(no host)"),
    ("https://author:4502/?debug=true", "option url: 'https://author:4502/?debug=true' carries a query string or "
                                        "fragment; expected a base URL such as " + EXAMPLE),
    (" https://author:4502", "starts or ends with whitespace"),
])
def test_url_problems_say_what_is_wrong_and_what_is_expected(url, expected):
    assert expected in validate_url("url", url, EXAMPLE)


def test_credentials_in_a_url_are_not_repeated():
    text = validate_url("url", "https://deployer:s3cr3t-pw@author:4502", EXAMPLE)
    assert text == ("option url: 'https://***@author:4502' carries a user name and password; expected a base URL "
                    "without them such as https://author.example.com:4502 (give them in the options username and "
                    "password)")
    assert "s3cr3t-pw" not in validate_url("url", "ftp://deployer:s3cr3t-pw@author", EXAMPLE)
    assert "client_id and client_secret" in validate_url("ims_url", "https://a:b@ims", "x", "client_id and client_secret")


@pytest.mark.parametrize("params, expected", [
    ({"username": "admin", "password": ""}, "option password: empty; expected the password of the AEM user 'admin'"),
    ({"username": "admin", "password": "   "}, "option password: empty"),
    ({"username": "admin", "password": "pw-from-a-file\n"}, "option password: starts or ends with whitespace"),
    ({"username": "", "password": "pw"}, "option username: '' is empty or surrounded by whitespace"),
    ({"username": "admin ", "password": "pw"}, "option username: 'admin ' is empty or surrounded by whitespace"),
])
def test_empty_or_padded_aem_credentials_are_refused_before_any_request(params, expected):
    text = validate_connection_params(dict(params, url=EXAMPLE))
    assert text.startswith(expected)
    assert "pw-from-a-file" not in text


def test_good_aem_credentials_pass():
    assert validate_connection_params({"url": EXAMPLE, "username": "admin", "password": "pa ss"}) is None


@pytest.mark.parametrize("secret", ["", "  ", "p8e-secret\n", " p8e-secret"])
def test_empty_or_padded_ims_client_secret_is_refused(secret):
    text = validate_ims_params({"ims_url": "https://ims-na1.adobelogin.com", "client_id": "cid",
                                "client_secret": secret})
    assert text.startswith("option client_secret: empty or surrounded by whitespace")
    assert "p8e-secret" not in text


@pytest.mark.parametrize("url, expected", [
    ("https://user:tenant-pw@acme.brand-portal.adobe.com", "option tenant_url: 'https://***@acme.brand-portal.adobe.com' "
                                                           "carries a user name and password"),
    ("https://acme.brand-portal.adobe.com/?tenant=acme", "without query string or fragment"),
    ("https://acme.brand-portal.adobe.com ", "starts or ends with whitespace"),
    ("ftp://acme.brand-portal.adobe.com", "is not an absolute https URL; expected the Brand Portal tenant URL"),
])
def test_tenant_url_problems(url, expected):
    with pytest.raises(AemInputError) as info:
        validate_tenant_url(url, lambda msg: None)
    assert expected in str(info.value)
    assert "tenant-pw" not in str(info.value)


def classic(**over):
    params = {"api_key": None, "client_secret": None, "org_id": None, "technical_account_id": None,
              "ims_config": None, "authorization_server": "https://ims-na1.adobelogin.com"}
    params.update(over)
    return params


@pytest.mark.parametrize("over, expected", [
    ({"client_secret": ""}, "option client_secret: empty or surrounded by whitespace; expected the client secret"),
    ({"client_secret": "secret\n"}, "option client_secret: empty or surrounded by whitespace"),
    ({"api_key": " "}, "option api_key: empty or surrounded by whitespace"),
    ({"ims_config": ""}, "option ims_config: empty or surrounded by whitespace"),
    ({"org_id": "12345"}, "option org_id: '12345' does not end with @AdobeOrg"),
    ({"technical_account_id": "x@example.com"}, "option technical_account_id: 'x@example.com' does not end with "
                                                "@techacct.adobe.com"),
    ({"authorization_server": "ims-na1.adobelogin.com"}, "option authorization_server: 'ims-na1.adobelogin.com' is "
                                                         "not an absolute http(s) URL (no scheme)"),
])
def test_cloud_service_credential_options(over, expected):
    with pytest.raises(AemInputError) as info:
        validate_credential_options(classic(**over))
    assert str(info.value).startswith(expected)
    assert "secret\n" not in str(info.value)


def test_complete_cloud_service_credentials_pass():
    validate_credential_options(classic(api_key="cid", client_secret="s", org_id="1@AdobeOrg",
                                        technical_account_id="2@techacct.adobe.com"))


@pytest.fixture(scope="module")
def pairs():
    return make_keypair(), make_keypair(cn="other")


def test_a_certificate_given_as_private_key_is_named_as_such(pairs):
    with pytest.raises(AemInputError) as info:
        load_private_key(pairs[0].cert_pem)
    assert str(info.value).startswith("option private_key: holds a certificate, not a private key; expected the RSA "
                                      "private key that belongs to it")


def test_private_key_messages_never_quote_a_private_key_header():
    # assert_no_leaks (integration) treats such a header in -vvv output as a leaked key
    for pem in ("garbage", "-----BEGIN RSA PRIVATE KEY-----\nZm9v\n-----END RSA PRIVATE KEY-----\n"):
        with pytest.raises(AemInputError) as info:
            load_private_key(pem)
        assert "PRIVATE KEY" not in str(info.value)
        assert "expected the whole PEM text of an RSA private key" in str(info.value)


def test_mismatched_key_pair_says_what_is_expected(pairs):
    with pytest.raises(AemInputError) as info:
        load_key_pair(pairs[1].private_pem, pairs[0].cert_pem)
    assert str(info.value).startswith("options private_key and certificate: the certificate does not belong to the "
                                      "private key; expected the certificate of this key")


@pytest.mark.parametrize("path, problem", [
    ("/content/../etc", "contains a '..' segment"),
    ("/content/./dam", "contains a '.' segment"),
    ("/content//dam", "contains '//'"),
    ("/content/dam/", "ends with '/'"),
])
def test_jcr_path_problems_are_named_one_by_one(path, problem):
    from ansible_collections.aemtools.brand_portal.plugins.module_utils._jcr_node import NodeSpec

    with pytest.raises(AemInputError) as info:
        NodeSpec(path).validate()
    assert str(info.value) == ("option path: %r %s; expected a normalised absolute path such as /content/dam/acme (no "
                               "'.' or '..' segments, no '//', no trailing '/')" % (path, problem))
