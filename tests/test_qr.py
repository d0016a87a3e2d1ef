"""The QR SVG draws exactly the encoder's dark modules (the browser and
poster tests then decode whole codes with zbarimg)."""
import re
import subprocess

import pytest

from sitegen.qr import BORDER, matrix, qr_svg

pytestmark = pytest.mark.fast  # in `make test-fast`

URLS = [
    "https://example.org/",
    "https://zhengming.example.gov.cn/chongqing/qinshu-guanxi/",
    "https://zhengming.example.gov.cn/s31-c12-x15/juzhu-zhengming/?from=poster&size=a3&note=" + "x" * 120,
    "https://zhengming.example.gov.cn/S31-C12/0123456789/",  # capitals and digits: libqrencode's other segment modes
]


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


@pytest.mark.parametrize("url", URLS)
def test_a_reader_decodes_the_encoders_code_to_the_url(url, tmp_path):
    """zbar (not the encoder's own library) reads the matrix back."""
    from PIL import Image

    side, pixels = matrix(url)
    assert len(pixels) == side * side and set(pixels) == {0, 255}
    image = Image.new("L", (side + 2 * BORDER, side + 2 * BORDER), 255)
    image.paste(Image.frombytes("L", (side, side), pixels), (BORDER, BORDER))
    image.resize((image.width * 4, image.height * 4), Image.NEAREST).save(tmp_path / "qr.png")
    decoded = subprocess.run(["zbarimg", "--raw", "-q", str(tmp_path / "qr.png")], capture_output=True, text=True)
    assert decoded.returncode == 0, decoded.stderr
    assert decoded.stdout.strip() == url


@pytest.mark.parametrize("url", URLS)
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
