"""Mallar (strateg, admin): the egenkontroll criteria sets and the agenda template."""
import pandas as pd
import streamlit as st

from core import clock, yaml_input
from core.formatting import datetime_text
from core.glossary import FIELDS, PAGES
from core.glossary import LABELS as L
from core.services import agenda
from core.services import self_assessments as sa
from pages._shared.auth import guard
from pages._shared.db import session
from pages._shared.ui import form_round, plain, save, show_flash, yes_no

actor = guard("templates")
st.title(PAGES["templates"])
show_flash()
with session() as s:
    sets = sa.criteria_sets(s, actor=actor)
    shipped = sa.unloaded_shipped_criteria(s, actor=actor)

st.subheader("Egenkontrollens kriterier")
st.markdown("Kriterierna är versionerade. En ny version används för egenkontroller som påbörjas efter inläsningen; "
            "tidigare svar behåller texten de besvarade.")
st.dataframe(pd.DataFrame([{FIELDS["name"]: t.name, FIELDS["version_label"]: t.version, "Kriterier": n,
                            L["loaded"]: datetime_text(t.loaded_at), "Används för nya": yes_no(t.active)}
                           for t, n in sets]),
             hide_index=True, width="stretch")
if sets:
    newest = sets[0][0]
    st.download_button("Ladda ner gällande version (YAML)", newest.source.encode("utf-8"), mime="text/yaml",
                       file_name=f"egenkontroll-v{newest.version}.yaml", icon=":material/download:")
for version in shipped:  # a version that came with this release of the portal and is not loaded yet
    st.info(f"Version {version} av kriterierna följer med portalen men är inte inläst. Den används för "
            "egenkontroller som påbörjas efter inläsningen; svar enligt tidigare versioner behåller sin text.")
    if st.button(f"Läs in version {version}", key=f"shipped_{version}", type="primary"):
        save(lambda s, v=version: sa.load_shipped_criteria(s, actor=actor, version=v, now=clock.now()),
             lambda t: f"{t.name} version {t.version} är inläst.")
upload = st.file_uploader("Ny version av kriterierna (YAML)", type=["yaml", "yml"],
                          key=f"criteria_{form_round('criteria')}", max_upload_size=yaml_input.MAX_MEGABYTES)
if upload is not None and st.button("Läs in den nya versionen", type="primary"):
    try:
        text = upload.getvalue().decode("utf-8")
    except UnicodeDecodeError:
        st.error("Filen är inte en textfil i UTF-8. Inget har ändrats.")
    else:
        save(lambda s: sa.load_criteria_set(s, actor=actor, text=text, now=clock.now()),
             lambda t: f"{t.name} version {t.version} är inläst.", empty_form="criteria")

st.subheader(L["agenda"])
st.markdown("Nya genomgångar får den här dagordningen. Den ändras i mallfilen för dagordningen på servern "
            "(hos IT); ändringar gäller genomgångar som skapas därefter.")
st.markdown("\n".join(f"{i}. {plain(item['title'], one_line=True)}"
                       for i, item in enumerate(agenda.template(), start=1)))
