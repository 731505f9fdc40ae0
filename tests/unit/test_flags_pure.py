"""Disagreement flags on hand-written pairs of texts: numbers, days, dates, people and places
that differ, typed by kind and severity (pure functions, no model)."""
from __future__ import annotations

import pickle

import pytest

from align.flags import Flag, disagreements, facts, known_people, note, ordered, parse
from align.flags.people import clean_name, key, mentioned, same_person
from align.flags.places import places_in
from align.flags.quantities import jalali_to_gregorian, numbers


def kinds(flags):
    return [(f.kind, f.severity) for f in flags]


# -- the flag type -----------------------------------------------------------------------------


def test_a_flag_is_its_text_with_its_parts():
    f = Flag("day", "conflict", "Sunday (یکشنبه)", "Wednesday (الأربعاء)")
    assert f == "day: Sunday (یکشنبه) vs Wednesday (الأربعاء)" and f.is_conflict
    assert Flag("count", "only_b", b="12") == "number of people only in B: 12"
    assert pickle.loads(pickle.dumps(f)).kind == "day"  # reports travel between processes
    assert f.between("A-C") == "A-C: day: Sunday (یکشنبه) vs Wednesday (الأربعاء)" and f.between("A-C").body == f
    with pytest.raises(ValueError):
        Flag("weather", "conflict")


@pytest.mark.parametrize("text, kind, severity", [
    ("numbers: 15 vs 16", "number", "conflict"),  # an older report's text
    ("number only in A: 12", "number", "only_a"),
    ("person only in B: حمد الله محب", "person", "only_b"),
    ("relative day: yesterday (دیروز) vs today (اليوم)", "relative day", "conflict"),
    ("number of people: 95 vs 103", "count", "conflict"),
    ("A-B: place only in A: Iran", "place", "only_a"),
    ("duplicate of b#1", "note", "note"),
])
def test_the_text_of_any_flag_reads_back_typed(text, kind, severity):
    f = parse(text)
    assert (f.kind, f.severity, str(f)) == (kind, severity, text)


def test_conflicts_come_first():
    flags = ["person only in A: X", note("duplicate of b#1"), "day: Sunday vs Monday", "number: 1 vs 2"]
    assert [f.severity for f in ordered(flags)] == ["conflict", "conflict", "only_a", "note"]


# -- numbers -----------------------------------------------------------------------------------


@pytest.mark.parametrize("a, b", [
    ("۱۵ نفر کشته شدند", "قتل ١٥ شخصاً"),  # Persian vs Arabic-Indic digits
    ("15 people were killed", "۱۵ نفر کشته شدند"),
    ("نرخ ۳٫۵ درصد است", "النسبة 3.5 بالمئة"),  # decimal separators
    ("three people were killed", "قتل ثلاثة أشخاص"),  # written out
    ("twenty-five people", "خمسة وعشرين شخصا"),
    ("بیست و پنج نفر", "25 people"),
    ("یک هیأت نظامی به ایران سفر کرد", "زار وفد عسكري إيران"),  # «یک» = "a", not a number
    ("up to 3,000 products", "تا ۳۰۰۰ محصول"),  # thousands separators; "up to"
    ("a £11million deal", "معامله ۱۱ میلیون پوندی"),
    ("1.5 million people", "یک و نیم میلیون نفر"),
    ("more than 100 people", "۱۲۰ نفر"),  # a bound agrees with a value inside it
    ("about 100 people", "قرابة 95 شخصا"),
    ("between 10 and 20 people", "۱۵ نفر"),
    ("زلزله ۵/۹ ریشتری", "زلزال بقوة 5.9 درجات"),  # the Persian decimal slash
    ("the F-35 and COVID-19", "اف-۳۵ و کووید-۱۹"),  # codes are not numbers
])
def test_the_same_numbers_are_not_flagged(a, b):
    assert [f for f in disagreements(a, b) if f.kind in ("number", "count")] == []


def test_different_numbers_are_conflicts():
    assert disagreements("۱۵ نفر کشته شدند", "قتل ١٦ شخصاً") == ["number of people: 15 vs 16"]
    assert kinds(disagreements("three people died", "قتل أربعة أشخاص")) == [("count", "conflict")]
    assert disagreements("95 killed and 211 injured", "103 dead, 188 wounded") == [
        "number of people: 95 vs 103", "number of people: 211 vs 188"]
    assert disagreements("the price rose 12 percent", "ارتفع السعر 15 بالمئة") == ["number: 12 vs 15"]
    assert kinds(disagreements("95 martyrs", "hundreds of martyrs")) == [("count", "conflict")]
    assert disagreements("گروهی کشته شدند", "قتل 12 شخصاً") == ["number of people only in B: 12"]


def test_units_written_in_two_words_or_shared_with_another_sense():
    # British "per cent" is a percent: 2.8 per cent and 2.5 درصد are one figure reported twice
    assert [(q.value, q.unit) for q in numbers("pubs were up 2.8 per cent, except").quantities] == [(2.8, "percent")]
    assert disagreements("pubs were up 2.8 per cent", "میخانه‌ها 2.5 درصد افزایش فروش داشتند") == ["number: 2.8 vs 2.5"]
    # «فوت» right after a number is feet; after «نفر», or before a verb, a death
    assert [q.unit for q in numbers("امواج با ارتفاع تا شش متر (18 فوت)").quantities] == ["distance", "distance"]
    assert [q.unit for q in numbers("۱۸ نفر فوت کردند").quantities] == ["dead"]
    assert [q.unit for q in numbers("۱۸ فوت کردند").quantities] == ["dead"]


def test_the_previous_month_in_arabic_is_an_earlier_event_as_in_persian():
    # both sides tell of the previous month: its figures are compared (it was one side "past", one not)
    assert disagreements("ماه قبل میخانه‌ها 2.5 درصد افزایش فروش داشتند",
                         "مماثلاً للشهر السابق، حيث ارتفعت المبيعات بنسبة 2.8 في المائة") == ["number: 2.5 vs 2.8"]


def test_a_count_takes_the_nearest_kind_in_its_own_phrase():
    # the injured of the next phrase («، فيما أصيب», «وإصابة», «و زخمی شدن») are not this number's
    assert [(q.value, q.unit) for q in numbers("أودى بحياة 14 شخصاً، فيما أصيب 78 آخرون").quantities] == [
        (14.0, "dead"), (78.0, "injured")]
    assert [(q.value, q.unit) for q in numbers("قتل 3 وإصابة 447").quantities] == [(3.0, "dead"), (447.0, "injured")]
    assert [(q.value, q.unit) for q in numbers("از کشته شدن ۱۱ نیروی خود و زخمی شدن تعدادی دیگر").quantities] == [(11.0, "dead")]
    assert disagreements("کشته شدن ۱۱ نیروی خود و زخمی شدن تعدادی دیگر", "أودى بحياة 12 شرطيا") == ["number of people: 11 vs 12"]


def test_police_and_officers_are_people():
    assert disagreements("«۱۱ پلیس» در حمله کشته شدند", "ما أودى بحياة 12 شرطيًا") == ["number of people: 11 vs 12"]
    assert disagreements("أن 7 عناصر من الشرطة أصيبوا", "eight police officers were left injured") == ["number of people: 7 vs 8 (eight)"]


def test_a_scaled_decimal_may_be_cut_off_not_only_rounded():
    # 16,384,403 votes reported as "16.3 million" (cut off) or 16.4 (rounded): one figure
    assert disagreements("کسب ۱۶ میلیون و ۳۸۴ هزار و ۴۰۳ رای", "won with 16.3 million votes") == []
    assert disagreements("کسب ۱۶ میلیون و ۳۸۴ هزار و ۴۰۳ رای", "won with 16.4 million votes") == []
    assert [f.kind for f in disagreements("کسب ۱۶ میلیون و ۳۸۴ هزار و ۴۰۳ رای", "won with 16.1 million votes")] == ["number"]
    # a whole number of millions keeps half a million either side
    assert [f.kind for f in disagreements("over 17 million votes", "16.3 million votes")] == ["number"]


def test_a_figure_one_side_alone_gives_is_not_a_conflict():
    # 5.9 on both sides; 3 dead and 447 injured only in B
    flags = disagreements("A 5.9 magnitude quake", "زلزال بقوة 5.9 أدى إلى مقتل 3 وإصابة 447")
    assert kinds(flags) == [("count", "only_b")] and "447" in flags[0] and "3" in flags[0]
    assert disagreements("the two sides met", "the 2 sides met") == []
    assert disagreements("the two sides met", "the sides met") == []  # a written-out number alone is not flagged


# -- days and dates ----------------------------------------------------------------------------


def test_weekdays_and_relative_days():
    assert facts("روز سه‌شنبه").weekdays == {1: "سه‌شنبه"}  # Tuesday, not شنبه (Saturday)
    assert facts("روز سه شنبه").weekdays == {1: "سه شنبه"}
    assert set(facts("يوم الخميس وأمس").weekdays) == {3} and set(facts("يوم الخميس وأمس").relative) == {"yesterday"}
    assert disagreements("on Friday", "يوم الجمعة") == []
    assert disagreements("on Friday", "روز شنبه") == ["day: Friday vs Saturday (شنبه)"]
    assert disagreements("on Sunday and Monday", "on Monday") == []  # one day in common
    assert kinds(disagreements("دیروز", "اليوم")) == [("relative day", "conflict")]


@pytest.mark.parametrize("a, b", [
    ("on 30 May", "on Thursday 30 May 2024"),  # one side more precise
    ("30 May", "30 أيار/مايو 2024"),
    ("۱۰ خرداد ۱۴۰۳", "30 May 2024"),  # Solar Hijri = Gregorian
    ("۹ خرداد", "May 30"),  # without a year, within the day the calendars allow
    ("۲۳ مهر", "15 أكتوبر"),  # 23 Mehr is 15 October
    ("in 2024", "سال ۱۴۰۳"),  # 1403 SH = March 2024 - March 2025
    ("in Ramadan", "in March"),  # a Hijri month without a year: cannot tell
])
def test_dates_that_can_be_the_same_day_agree(a, b):
    assert [f for f in disagreements(a, b) if f.kind in ("date", "month", "year", "number")] == []


@pytest.mark.parametrize("a, b, kind", [
    ("on 30 May", "on 31 May", "date"),
    ("30 May 2024", "۱۱ خرداد ۱۴۰۳", "date"),  # 11 Khordad 1403 = 31 May 2024
    ("in April", "in June 2024", "month"),
    ("۲۳ مهر", "15 يناير", "month"),
    ("in 2019", "عام 2020", "year"),
])
def test_dates_that_cannot_be_the_same_day_conflict(a, b, kind):
    assert kinds(disagreements(a, b)) == [(kind, "conflict")]


def test_a_day_of_the_month_and_a_year_are_dates_not_numbers():
    assert disagreements("30 May", "Thursday 30 May 2024") == []  # not "numbers: 30 vs 30, 2024"
    assert numbers("30 May").quantities == () and numbers("in 2019").quantities == ()
    assert [d.shown() for d in numbers("۱۰ خرداد ۱۴۰۳").dates] == ["10 Khordad 1403 SH (۱۰ خرداد ۱۴۰۳)"]
    assert facts("مهر و محبت").months == {}  # «مهر» without a number is "kindness", not a month
    assert set(facts("في 5 تشرين الأول").months) == {("gregorian", 10)}
    assert jalali_to_gregorian(1403, 3, 10).isoformat() == "2024-05-30"


def test_times():
    assert disagreements("at 14:45", "الساعة 14:50") == ["time: 14:45 vs 14:50"]
    assert disagreements("at 2:45 pm", "ساعت ۱۴:۴۵") == []


# -- people ------------------------------------------------------------------------------------


@pytest.mark.parametrize("mention, name", [
    ("وصرح خامنئي", "خامنئي"),  # "and Khamenei declared"
    ("امیرعبداللهیان بودند", "امیرعبداللهیان"),  # "… were"
    ("حسين اميرعبداللهيان تاكيد", "حسين اميرعبداللهيان"),  # "… emphasised"
    ("عبداللهيان وجميع مرافقيه", "عبداللهيان"),  # "… and all his companions"
    ("سيد عباس عراقجي والمبعوث", "سيد عباس عراقجي"),
    ("Foreign Affairs", ""), ("وزارت خارجه اداره طالبان", ""), ("the minister", ""),
])
def test_a_name_is_cut_at_the_name(mention, name):
    assert clean_name(mention) == name


@pytest.mark.parametrize("a, b", [
    ("عباس عراقچی", "عراقجي"), ("Araghchi", "عراقچی"), ("Shamkhani", "شمخاني"), ("Haniyeh", "هنية"),
    ("Hossein Amir-Abdollahian", "امیرعبداللهیان"), ("Pezeshkian", "بزشكيان"), ("Peter Jones", "پیتر جونز"),
    ("Kavanaugh", "کاوانا"), ("Muttaqi", "متقی"),
])
def test_the_same_person_across_scripts(a, b):
    assert same_person(a, b)


@pytest.mark.parametrize("a, b", [
    ("Nugroho", "نوجرو"), ("نوگروهو", "نوجرو"),  # g as ج, a final silent h, together
    ("Vettel", "فيتيل"), ("Saipov", "سايبوف"), ("Aguero", "أجويرو"),  # v as ف, g as ج in short names
])
def test_the_same_person_transliterated_two_ways_at_once(a, b):
    assert same_person(a, b)


def test_a_latin_v_written_as_arabic_f():
    assert list(mentioned("قال وزير الطاقة الروسي ألكسندر نوفاك", {key("Aleksandr Novak"): "Aleksandr Novak"})) == [key("Novak")]
    assert list(mentioned("Aleksandr Novak said", {key("ألكسندر نوفاك"): "ألكسندر نوفاك"})) == [key("نوفاك")]


def test_a_short_name_across_scripts():
    people = {key("Kim"): "Kim", key("Capp"): "Capp", key("Aguero"): "Aguero"}
    assert set(mentioned("أشار ري إلى البيان الذي أصدره كيم", people)) == {key("Kim")}
    assert set(mentioned("ویلوبی شرکت Truly را همراه با کاپ تاسیس کرد", people)) == {key("Capp")}
    assert set(mentioned("سهّل أجويرو الأمر", people)) == {key("Aguero")}
    # a common word with the same consonants is not the name: «قام» "did" (Kim is written with ي),
    # «أجرى» "held" (too short to be Aguero written with ج)
    assert mentioned("قام الرئيس بزيارة", people) == {} and mentioned("أجرى الوزير محادثات", people) == {}
    assert mentioned("گل اول را زد", {key("Kelly"): "Liam Kelly"}) == {}  # «گل» "goal", two letters
    # a longer word too: its vowel letters where the name has vowels
    assert mentioned("بعضی از مردم بالای درختان رفتند", {key("Palu"): "Palu"}) == {}  # «بالای» "up on"
    assert list(mentioned("سافر إلى بالو", {key("Palu"): "Palu"}).values()) == ["بالو"]
    assert list(mentioned("قال أوباما", {key("Obama"): "Obama"}).values()) == ["أوباما"]
    assert list(mentioned("هولي ويلوبي", {key("Willoughby"): "Holly Willoughby"}).values()) == ["هولي ويلوبي"]


def test_people_across_scripts():
    articles = ["سپهبد طارق شاه بهرامی وزیر دفاع با علی شمخانی دیدار کرد", "التقى شمخاني مع نظيره الأفغاني حمد الله محب"]
    people = known_people(articles, [["علی شمخانی"], ["شمخاني"]])
    assert sorted(people.values()) == ["حمد الله محب", "طارق شاه بهرامی", "علی شمخانی"]
    # a reporting verb's subject that is not a name elsewhere is no one: «طبق اسناد دادگاه … گفت»
    assert known_people(articles, [["طبق اسناد دادگاه"], []]) == {k: v for k, v in people.items() if v != "علی شمخانی"}
    assert disagreements("شمخانی با بهرامی دیدار کرد", "التقى شمخاني بهرامي", people) == []
    # a different person in the same place, neither named by the other side: a conflict
    assert disagreements("Shamkhani met Mohib", "التقى شمخاني بهرامي", people) == ["person: Mohib vs بهرامي"]
    # named as written, never as a key; the other article naming Bahrami: only in one side
    flags = disagreements("Shamkhani met Mohib", "التقى شمخاني بهرامي", people, context_a="Mohib and Bahrami")
    assert flags == ["person only in A: Mohib", "person only in B: بهرامي"]
    # a speaker counts on its side even when the text says "he"
    assert disagreements("وی گفت", "قال شمخاني", people, speakers_a=["علی شمخانی"]) == []


def test_a_name_after_a_title_ends_where_the_name_does():
    # at a colon, quote or comma
    assert list(known_people(['وقال السيد كلارك: "نحن بحاجة إلى صفقة"'], []).values()) == ["كلارك"]
    # after its last word another article names too: «ترامب» (آقای ترامپ), not «نفسه يواجه»
    people = known_people(["سيجد السيد ترامب نفسه يواجه المساءلة", "آقای ترامپ درست در زمانی که"], [[], []])
    assert list(people.values()) == ["ترامب"]
    # a name no other article writes stays whole
    people = known_people(["سپهبد طارق شاه بهرامی وزیر دفاع", "التقى نظيره الأفغاني حمد الله محب"], [[], []])
    assert sorted(people.values()) == ["حمد الله محب", "طارق شاه بهرامی"]


def test_a_name_that_begins_like_a_persian_verb_or_is_part_of_a_place():
    people = {key("Menga"): "Dolly Menga", key("Park Byeong"): "پارک بیونگ"}
    assert list(mentioned("تسديدة مينجا تمنح ليفينغستون فوزًا", people).values()) == ["مينجا"]  # not «می…»
    assert clean_name("میکند") == "" and clean_name("می‌گوید") == ""
    assert mentioned("پیونگ یانگ هیچ اظهار نظر عمومی نکرده است", people) == {}  # Pyongyang, not Byeong


def test_a_word_the_articles_write_in_lower_case_is_no_surname():
    texts = ["The Elvie Pump is silent, Elvie said. A breast pump for mothers.", "پمپ سینه Elvie"]
    assert known_people(texts, ["Elvie Pump"]) == {}
    assert list(known_people(texts, ["Ana Balarin"]).values()) == ["Ana Balarin"]


def test_a_one_word_latin_speaker_is_a_person_when_named_in_full():
    assert known_people(["Jay Berzofsky, of the Institute in Bethesda, Maryland, said: ok", "x"], ["Maryland"]) == {}
    assert list(known_people(['"We need a deal," Mr Clark said.', "x"], ["Clark"]).values()) == ["Clark"]
    assert list(known_people(["The talks were mediated by al-Busaidi.", "x"], ["Busaidi"]).values()) == ["Busaidi"]


def test_a_speaker_no_text_names_is_no_disagreement():
    articles = ["علی شمخانی گفت", "قال شمخاني", "Shamkhani said"]
    people = known_people(articles, [["علی شمخانی"], ["شمخاني"], ["Shamkhani"]])
    # both sides say "he": the speaker of one side only is not a name one side states
    assert disagreements("وی گفت", "وأضاف", people, speakers_a=["علی شمخانی"]) == []
    assert disagreements("he added", "وی گفت", people, speakers_a=["Shamkhani"]) == []
    # an English sentence that says neither the name nor "he" speaks of someone else
    assert disagreements("the spokesman said", "قال شمخاني", people, speakers_a=["Shamkhani"]) == [
        "person only in B: شمخاني"]
    assert disagreements("he said", "قال شمخاني", people, speakers_a=["Shamkhani"]) == []


# -- places ------------------------------------------------------------------------------------


def test_places_and_their_adjectives():
    assert set(places_in("قال وزير الخارجية الإيراني في طهران")) == {"Iran", "Tehran"}
    assert set(places_in("The Iranian minister met his Afghan counterpart")) == {"Iran", "Afghanistan"}
    assert set(places_in("ایرانیان و آمریکایی‌ها")) == {"Iran", "United States"}
    assert places_in("او ترک کرد") == {}  # «ترک کرد» "left", «کرد» "did"
    assert disagreements("سفر به کابل", "زيارة إلى كابول") == []
    assert disagreements("the Iranian minister", "وزير خارجية إيران") == []


@pytest.mark.parametrize("dateline", ["TEHRAN: ", "TEHRAN — ", "KABUL (Amu TV): ", "ERBIL, Kurdistan Region of Iraq — "])
def test_a_dateline_is_not_a_place_of_the_claim(dateline):
    claim = "At least 11 police officers were killed in an attack overnight"
    assert disagreements(dateline + claim, "۱۱ مامور پلیس در حمله شبانه کشته شدند") == []
    assert disagreements("طهران-مهر: قتل 11 شرطيا في هجوم", "۱۱ مامور پلیس در حمله کشته شدند") == []
    # a place that heads a headline, or is the claim's own, stays
    assert [f.kind for f in disagreements("Tehran: 11 police officers killed", "۱۱ مامور پلیس کشته شدند")] == ["place"]
    assert [f.kind for f in disagreements(claim + " in Tehran", "۱۱ مامور پلیس در حمله شبانه کشته شدند")] == ["place"]


def test_an_adjective_of_a_place_is_never_half_of_a_place_conflict():
    flags = disagreements("اغتيال هنية بغارة إسرائيلية في مقر إقامته", "Haniyeh was killed, said the group that governs Gaza.")
    assert [(f.kind, f.severity) for f in flags] == [("place", "only_a"), ("place", "only_b")]
    assert disagreements("The minister arrived in Tehran", "وصل الوزير إلى كابول") == ["place: Tehran vs Kabul (كابول)"]


def test_a_place_the_other_article_mentions_is_not_only_in_one_side():
    assert disagreements("سفر به کابل", "زيارة إلى طهران") == ["place: Kabul (کابل) vs Tehran (طهران)"]
    assert disagreements("وزیر ایران گفت", "قال الوزير") == ["place only in A: Iran (ایران)"]
    assert disagreements("وزیر ایران گفت", "قال الوزير", context_b="زيارة الوزير الإيراني. قال الوزير") == []
    assert disagreements("in Tehran", "in the Iranian capital") == []  # the city's country


def test_the_shipped_gazetteer_is_what_the_build_gives():
    """align/flags/gazetteer.json is CLDR's names (Babel) and the module's tables, built once:
    regenerate it with ``python -m align.flags.places`` when either changes."""
    from align.flags.places import GAZETTEER_FILE, build_gazetteer, gazetteer_json

    assert GAZETTEER_FILE.read_text(encoding="utf-8") == gazetteer_json(build_gazetteer())


def test_a_calendar_marker_may_end_the_text():
    """«2024 م», «1445 هـ», «1403 ه.ش» at the very end of a claim (no full stop after them) raised
    IndexError."""
    from align.flags.quantities import numbers

    found = {t: numbers(t).dates for t in ("1445 هـ", "2024 م", "1403 ه.ش", "في عام 2024 م")}
    assert [(d[0].calendar, d[0].year) for d in found.values()] == [("hijri", 1445), ("gregorian", 2024), ("solar", 1403),
                                                                      ("gregorian", 2024)]
