"""Saved web pages: reduced to the article's text (no menu, script or footer), entities decoded,
and the Document says it came from HTML."""
from __future__ import annotations

import html
from pathlib import Path

import pytest

from align import InputError, load_document, segment

ROOT = Path(__file__).resolve().parents[2]
FA = ROOT / "examples" / "shamkhani_bahrami_fa.txt"
AR = ROOT / "examples" / "shamkhani_mohib_ar.txt"
PARAGRAPHS = FA.read_text(encoding="utf-8").splitlines()


def _numeric_entities(text: str) -> str:
    return "".join(ch if ch in " :،." else f"&#{ord(ch)};" for ch in text)


def _paragraph(i: int, text: str) -> str:
    if i == 3:  # one paragraph written entirely as numeric character references (&#1588; = ش)
        return _numeric_entities(text)
    # others: named and numeric references here and there, as CMSs write them
    return html.escape(text).replace("شمخانی", "&#1588;مخانی").replace("وزیر دفاع", "وزیر&nbsp;دفاع")


NAV_AND_FOOTER = [
    "صفحه نخست", "لیگ برتر فوتبال", "قیمت طلا و سکه", "پربازدیدترین", "تمامی حقوق این سایت",
    "تماس با ما", "درباره ما", "dataLayer", "gtag", "pageview", "font-family", "اشتراک در خبرنامه",
]

# A page as a browser saves it ("Web page, HTML only") from a Persian news site.
PAGE = """<!DOCTYPE html>
<html lang="fa" dir="rtl">
<head>
  <meta charset="{charset}">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>دیدار شمخانی با وزیر دفاع افغانستان - خبرگزاری میزان</title>
  <link rel="stylesheet" href="/static/css/site.css?v=3.2">
  <style>body {{ font-family: Vazir, Tahoma; }} .menu li {{ display: inline; }}</style>
  <script>window.dataLayer = window.dataLayer || []; function gtag(){{dataLayer.push(arguments);}} gtag('js', new Date()); gtag('config', 'UA-00000-1', {{'pageview': 'news'}});</script>
</head>
<body class="news-page">
  <header class="site-header">
    <a class="logo" href="/"><img src="/static/img/logo.png" alt="خبرگزاری میزان"></a>
    <nav class="menu"><ul>
      <li><a href="/">صفحه نخست</a></li>
      <li><a href="/fa/service/sport">لیگ برتر فوتبال</a></li>
      <li><a href="/fa/service/economy">قیمت طلا و سکه</a></li>
      <li><a href="/fa/popular">پربازدیدترین</a></li>
    </ul></nav>
  </header>
  <main>
    <div class="breadcrumb"><a href="/">صفحه نخست</a> &raquo; <a href="/fa/service/international">بین&zwnj;الملل</a></div>
    <article class="news-body">
      <h1 class="title">شمخانی: روابط با همسایگان اولویت اصلی سیاست خارجی است</h1>
      <div class="meta"><span>کد خبر: ۴۲۱۸۷۹</span> &ndash; <time datetime="2017-11-05">۱۴ آبان ۱۳۹۶</time></div>
{body}
      <div class="share"><a href="https://t.me/share/url?url=x">تلگرام</a> <a href="https://twitter.com/intent/tweet">توییتر</a></div>
    </article>
    <aside class="related"><h3>پربازدیدترین</h3><ul>
      <li><a href="/fa/news/1">قیمت طلا و سکه امروز در بازار تهران</a></li>
      <li><a href="/fa/news/2">نتایج هفته دهم لیگ برتر فوتبال</a></li>
    </ul></aside>
    <form class="newsletter"><label>اشتراک در خبرنامه</label><input type="email"><button>ارسال</button></form>
  </main>
  <footer class="site-footer">
    <p>تمامی حقوق این سایت متعلق به خبرگزاری میزان است &copy; ۱۳۹۶</p>
    <p><a href="/fa/contact">تماس با ما</a> | <a href="/fa/about">درباره ما</a></p>
  </footer>
  <script src="/static/js/app.js"></script>
  <script>document.querySelectorAll('.menu a').forEach(function (a) {{ a.title = 'pageview'; }});</script>
</body>
</html>
"""


def page(charset: str = "utf-8") -> str:
    body = "\n".join(f"      <p>{_paragraph(i, p)}</p>" for i, p in enumerate(PARAGRAPHS))
    return PAGE.format(charset=charset, body=body)


def _check_article(doc) -> None:
    assert doc.extracted_from == "html"
    for p in PARAGRAPHS:
        assert p.strip() in doc.text, p[:40]
    for junk in NAV_AND_FOOTER:
        assert junk not in doc.text, junk
    assert "&#" not in doc.text and "&nbsp;" not in doc.text and "<" not in doc.text


@pytest.mark.parametrize("name", ["mizan.html", "mizan.htm"])
def test_saved_page_gives_the_article_text(tmp_path, name):
    path = tmp_path / name
    path.write_text(page(), encoding="utf-8")
    doc = load_document(path)
    _check_article(doc)
    assert doc.lang == "fa" and doc.encoding == "utf-8" and doc.source == path
    # the sentences are those of the article
    texts = [s.text for s in segment(doc)]
    assert any("روابط دوستانه با کشورهای همسایه" in t for t in texts)


def test_entities_are_decoded(tmp_path):
    path = tmp_path / "p.html"
    path.write_text(page(), encoding="utf-8")
    text = load_document(path).text
    assert PARAGRAPHS[3] in text  # the paragraph written as &#...; references
    assert PARAGRAPHS[0] in text  # &#1588;مخانی -> شمخانی, وزیر&nbsp;دفاع -> وزیر دفاع
    assert "&" not in text and "\u00a0" not in text


def test_html_content_in_a_txt_file_is_detected(tmp_path):
    path = tmp_path / "article.txt"
    path.write_text(page(), encoding="utf-8")
    _check_article(load_document(path))


def test_html_string_is_detected():
    _check_article(load_document(page(), kind="text"))


def test_legacy_page_uses_its_declared_charset(tmp_path):
    # windows-1256 page (Persian yeh written as Arabic yeh, as such pages do), declared in <meta>
    text = page("windows-1256").replace("ی", "ي")
    path = tmp_path / "old.html"
    path.write_bytes(text.encode("cp1256", errors="xmlcharrefreplace"))
    doc = load_document(path)
    assert doc.encoding == "cp1256" and doc.extracted_from == "html"
    assert PARAGRAPHS[1].replace("ی", "ي") in doc.text


def test_plain_text_with_a_tag_is_not_html():
    text = "<b>Note</b>: the minister said the talks were useful.\nSecond line here."
    doc = load_document(text, kind="text")
    assert doc.text == text and doc.extracted_from is None


def test_page_without_article_text(tmp_path):
    path = tmp_path / "empty.html"
    path.write_text("<!DOCTYPE html><html><head><title></title><script>var a = 1;</script></head><body><nav></nav></body></html>")
    with pytest.raises(InputError, match="no text"):
        load_document(path)


def test_compare_a_saved_page_with_the_arabic_article(tmp_path, encoder):
    import align

    path = tmp_path / "mizan.html"
    path.write_text(page(), encoding="utf-8")
    report = align.compare(path, AR, encoder=encoder)
    plain = align.compare(FA, AR, encoder=encoder)
    frame, plain_frame = report.to_frame(), plain.to_frame()
    cells = " ".join(str(v) for v in frame[["a_text", "b_text", "a_claim", "nearest"]].to_numpy().ravel())
    for junk in NAV_AND_FOOTER:
        assert junk not in cells, junk
    # the claims that match in the plain-text article match in the page too (the page's extra
    # headline shifts every confidence by a little, so pairs at the threshold may fall either side)
    pairs = lambda f, t: set(zip(f.loc[(f.status == "match") & (f.score >= t), "a_text"],  # noqa: E731
                                 f.loc[(f.status == "match") & (f.score >= t), "b_text"], strict=True))
    threshold = plain.options["min_score"]
    assert pairs(plain_frame, threshold + 0.02) <= pairs(frame, threshold)


@pytest.mark.parametrize("opening", ["<p><font>", "<font><p>", "<font>"])
def test_unclosed_inline_tags_lose_no_paragraph(opening):
    """300 paragraphs each opened with an unclosed <font>: every one is kept (254 were)."""
    from align.documents import html_to_text

    body = "".join(f"{opening}Paragraph number {i} reports the meeting in Tehran.<br>\n" for i in range(300))
    text = html_to_text(f"<html><body>{body}</body></html>", "page.html")
    assert all(f"Paragraph number {i} " in text for i in range(300))


def test_deeply_nested_divs_keep_their_text():
    from align.documents import html_to_text

    page = "<html><body>" + "<div>" * 300 + "<p>Deep text about the meeting. Another sentence here.</p>" + "</div>" * 300 + "</body></html>"
    assert html_to_text(page, "deep.html") == "Deep text about the meeting. Another sentence here."


def test_what_cannot_be_parsed_is_said():
    from align.documents import html_to_text
    from align.errors import InputWarning

    body = "".join(f"<font>Paragraph number {i} reports the meeting.<br>\n" for i in range(3000))
    with pytest.warns(InputWarning, match=r"page.html: broken HTML: about \d+% of the page's words could not be read"):
        html_to_text(f"<html><body>{body}</body></html>", "page.html")
