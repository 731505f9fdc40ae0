"""Who said it: speakers on the seeds and on hand-written paragraphs in fa, ar and en (pure
functions, no model)."""
from __future__ import annotations

import pytest
from conftest import AR, FA

from align.documents import load_document
from align.segment import segment
from align.speakers import assign_speakers, name_key, speaker_matches

SHAMKHANI, BAHRAMI, PATRUSHEV = name_key("Shamkhani"), name_key("Bahrami"), name_key("Patrushev")


def keys(source, lang=None):
    doc = load_document(source, lang=lang)
    return [s.speaker_key for s in assign_speakers(doc, segment(doc))]


def test_canonical_keys_cross_scripts():
    assert name_key("شمخانی") == name_key("شمخاني") == name_key("Shamkhani") == name_key("علی شمخانی")
    assert name_key("باتروشيف") == name_key("Patrushev") == name_key("نيكولاي باتروشيف")
    assert name_key("طارق شاه بهرامی") == name_key("Bahrami")
    assert name_key("حمد الله محب") == name_key("Mohib")
    assert name_key("Shamkhani") != name_key("Patrushev") != name_key("Mohib")


def test_persian_seed_speakers():
    # 1: narration (the news agency reports the meeting); 2-7 Shamkhani, by name (2, 4, 6),
    # pronoun (3, 7) and title (5: دبیر شورای عالی امنیت ملی, named in sentence 1);
    # 8-11 the Afghan defence minister: title (8), pronoun (9, 11), name (10).
    assert keys(FA) == [None] + [SHAMKHANI] * 6 + [BAHRAMI] * 4


def test_arabic_seed_speakers():
    k = keys(AR)
    chinese = name_key("تشين ونغ تشاينا")
    expected = {
        1: SHAMKHANI, 2: SHAMKHANI, 3: SHAMKHANI, 4: None, 5: SHAMKHANI, 6: None, 7: None,
        8: SHAMKHANI,  # "ووصف ..." subject-less: carried
        9: SHAMKHANI, 10: SHAMKHANI, 11: SHAMKHANI, 12: SHAMKHANI, 13: SHAMKHANI, 14: SHAMKHANI,
        15: SHAMKHANI, 16: SHAMKHANI,  # "وأضاف" carried
        17: PATRUSHEV, 18: PATRUSHEV,  # "بدوره، شدد باتروشيف" / "وطالب" carried
        19: chinese, 20: chinese,  # "من جهته، صرّح وزير الأمن القومي الصيني تشين ونغ تشاينا"
        21: None, 22: None,
    }
    assert {i + 1: v for i, v in enumerate(k)} == expected
    doc = load_document(AR)
    names = [s.speaker for s in assign_speakers(doc, segment(doc))]
    assert names[1] == "علي شمخاني" and names[16] == "باتروشيف" and names[18] == "تشين ونغ تشاينا"


FA_PARA = (
    "محمدجواد ظریف وزیر امور خارجه ایران روز دوشنبه در تهران با همتای عراقی خود دیدار کرد.\n"
    "ظریف در این دیدار گفت: همکاری دو کشور در مبارزه با تروریسم ادامه خواهد یافت.\n"
    "وی افزود: امنیت عراق امنیت ایران است.\n"
    "وزیر امور خارجه ایران همچنین خاطرنشان کرد: مرزهای دو کشور باید مرزهای دوستی باشد.\n"
    "این دیدار دو ساعت به طول انجامید.\n"
)
AR_PARA = (
    "قال وزير الخارجية الإيراني محمد جواد ظريف، اليوم الاثنين، إن بلاده ملتزمة بالاتفاق النووي.\n"
    "وأضاف أن المفاوضات مستمرة.\n"
    "من جهته، أكد نظيره العراقي فؤاد حسين على أهمية التعاون الأمني.\n"
    "وتابع حسين أن العراق لن يكون منطلقاً للاعتداء على جيرانه.\n"
    "وانتهى اللقاء بمؤتمر صحفي مشترك.\n"
)
EN_PARA = (
    "Iran's top security official Ali Shamkhani met Afghanistan's national security adviser Hamdullah Mohib in Tehran on Wednesday.\n"
    "Shamkhani said any action against the Afghan government serves terrorist groups.\n"
    "He added that relations with neighbours are a priority of Iran's foreign policy.\n"
    '"We will not allow Afghan soil to be used against Iran," Mohib said.\n'
    "The meeting lasted two hours.\n"
)


@pytest.mark.parametrize(
    "text, lang, expected",
    [
        (FA_PARA, "fa", [None, "zrf", "zrf", "zrf", None]),
        (AR_PARA, "ar", ["zrf", "zrf", "hsn", "hsn", None]),
        (EN_PARA, "en", [None, SHAMKHANI, SHAMKHANI, name_key("Mohib"), None]),
    ],
)
def test_hand_written_paragraphs(text, lang, expected):
    assert load_document(text).lang == lang
    assert keys(text) == expected


def test_speaker_query_in_any_script():
    assert speaker_matches("Shamkhani", "علی شمخانی", SHAMKHANI)
    assert speaker_matches("شمخاني", "شمخانی", SHAMKHANI)
    assert not speaker_matches("Patrushev", "شمخانی", SHAMKHANI)
    assert not speaker_matches("Shamkhani", None, None)


def test_english_example_article():
    from conftest import EXAMPLES

    k = keys(EXAMPLES / "shamkhani_mohib_en.txt")
    assert k == [SHAMKHANI, SHAMKHANI, None, None, SHAMKHANI, SHAMKHANI, SHAMKHANI, SHAMKHANI, SHAMKHANI,
                 name_key("Mohib"), PATRUSHEV, None]


def test_a_speaker_query_matches_whole_words_or_the_surname_in_any_script():
    from align.speakers import speaker_matches

    key = name_key("شمخانی")
    for query in ("Shamkhani", "شمخاني", "علی شمخانی", "Ali Shamkhani", " شمخانی "):
        assert speaker_matches(query, "علی شمخانی", key), query
    for query in ("ی", "شمخ", "Ali", "Mohib", ""):  # a letter or a part of a word designates no one
        assert not speaker_matches(query, "علی شمخانی", key), query
