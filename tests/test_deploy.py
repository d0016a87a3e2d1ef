"""Publishing: the placeholder base_url, the serving rules per file class, and
`build.py publish` against a real S3 server (SeaweedFS, started here)."""
from __future__ import annotations

import pytest

from sitegen import urls


@pytest.mark.parametrize("base_url", [
    urls.PLACEHOLDER_BASE_URL,
    "https://zhengming.example.org",
    "HTTPS://ZHENGMING.EXAMPLE.ORG/",
    "https://example.com/zhengming/",
    "http://site.test/",
    "https://a.b.invalid/",
    "http://localhost:8000/",
    "not a url",
])
def test_placeholder_and_reserved_addresses_are_placeholders(base_url):
    assert urls.is_placeholder(base_url)


@pytest.mark.parametrize("base_url", [
    "https://mzj.cq.gov.cn/zhengming/",
    "https://zhengming.gxmz.gov.cn/",
    "https://examples.org/",
    "https://example.org.cn/",
])
def test_real_addresses_are_not_placeholders(base_url):
    assert not urls.is_placeholder(base_url)
