"""The QR SVG draws exactly the encoder's dark modules (the browser and
poster tests then decode whole codes with zbarimg)."""
import re

import pytest

from sitegen.qr import BORDER, matrix, qr_svg


def drawn(svg: str) -> tuple[int, set[tuple[int, int]]]:
    """(side, dark modules) as an SVG renderer strokes the path: M/m move, h draws."""
    side = int(re.search(r'd="M0 0h(\d+)v', svg).group(1))
    data = re.search(r'<path stroke="#000" d="([^"]*)"', svg).group(1)
    dark, x, y = set(), 0.0, 0.0
    for cmd, args in re.findall(r"([Mmh])([-\d. ]+)", data):
        numbers = [float(a) for a in args.split()]
        if cmd == "M":
            x, y = numbers
        elif cmd == "m":
            x, y = x + numbers[0], y + numbers[1]
        else:
            dark.update((int(x) + k, int(y)) for k in range(int(numbers[0])))
            x += numbers[0]
    return side, dark


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/",
        "https://zhengming.example.gov.cn/chongqing/qinshu-guanxi/",
        "https://zhengming.example.gov.cn/s31-c12-x15/juzhu-zhengming/?from=poster&size=a3&note=" + "x" * 120,
    ],
)
def test_svg_draws_the_encoders_modules_and_nothing_else(url):
    side, pixels = matrix(url)
    expected = {(x + BORDER, y + BORDER) for y in range(side) for x in range(side) if pixels[y * side + x] == 0}
    svg_side, dark = drawn(qr_svg(url, title="标题"))
    assert svg_side == side + 2 * BORDER
    assert dark == expected
    assert 0 < len(dark) < side * side


def test_title_is_escaped():
    svg = qr_svg("https://example.org/", title="<script>&")
    assert "<title>&lt;script&gt;&amp;</title>" in svg and "<script>" not in svg
