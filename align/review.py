"""Interactive review of a Report in Jupyter (ipywidgets): accept / reject each pair, re-grade
its relation, re-link a segment of A to other segments of B, save. Every decision goes
through ``Report.review`` / ``Report.relink``, so it is kept in the report (``reviewed``
column of every export) and survives ``report.save(path)`` / ``align.load_report(path)``.
"""
from __future__ import annotations

import html

from .errors import InputError
from .text import is_rtl


def review_widget(report, *, max_rows: int = 100):
    """An ipywidgets VBox to review ``report``'s matches (the first ``max_rows``)."""
    try:
        import ipywidgets as w
    except ImportError:  # pragma: no cover - depends on the environment
        raise InputError("the review widget needs ipywidgets: pip install ipywidgets") from None

    status = w.HTML()

    def refresh_status():
        status.value = f"<b>{len(report.reviews)}</b> reviewed rows"

    def cell(text: str) -> str:
        d = "rtl" if is_rtl(text) else "ltr"
        return f'<div dir="{d}" style="text-align:{"right" if d == "rtl" else "left"};white-space:normal;line-height:1.4">{html.escape(text)}</div>'

    boxes = []
    for r in report.matches[:max_rows]:
        key = r.key
        decision = w.ToggleButtons(options=["—", "accepted", "rejected"], value="—", style={"button_width": "80px"})
        relation = w.Dropdown(options=["equivalent", "related"], value=r.relation or "related", layout=w.Layout(width="120px"))

        def on_change(_change, key=key, decision=decision, relation=relation, machine=r.relation):
            if decision.value == "—":
                return
            report.review(key, decision.value, relation=None if relation.value == machine else relation.value)
            refresh_status()

        decision.observe(on_change, names="value")
        relation.observe(on_change, names="value")
        score = "manual" if r.confidence is None else f"{r.confidence:.2f}"
        head = w.HTML(f"<b>{html.escape(key)}</b> · {score} · {html.escape('; '.join(r.flags))}")
        texts = w.HBox([w.HTML(cell(r.a_text), layout=w.Layout(width="50%")), w.HTML(cell(r.b_text), layout=w.Layout(width="50%"))])
        box = w.VBox([head, texts, w.HBox([decision, relation])], layout=w.Layout(border="1px solid #ddd", padding="4px", margin="2px 0"))
        box.key, box.decision, box.relation = key, decision, relation
        boxes.append(box)

    a_pick = w.Dropdown(options=[str(u.label) for u in report.units("A")], description="A")
    b_pick = w.SelectMultiple(options=[str(u.label) for u in report.units("B")], description="B", rows=4)
    rel_pick = w.Dropdown(options=["related", "equivalent"], value="related", layout=w.Layout(width="120px"))
    link = w.Button(description="re-link")

    def on_link(_button):
        if b_pick.value:
            report.relink(a_pick.value, tuple(b_pick.value), relation=rel_pick.value)
            refresh_status()

    link.on_click(on_link)
    path = w.Text(value="reviewed.jsonl", description="save to")
    save = w.Button(description="save")

    def on_save(_button):
        report.save(path.value)
        status.value += f" · saved to {html.escape(path.value)}"

    save.on_click(on_save)
    refresh_status()
    ui = w.VBox([status, *boxes, w.HTML("<b>Re-link</b> a segment of A to segments of B:"),
                 w.HBox([a_pick, b_pick, rel_pick, link]), w.HBox([path, save])])
    ui.rows, ui.relink_controls, ui.save_controls = boxes, (a_pick, b_pick, rel_pick, link), (path, save)
    return ui
