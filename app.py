"""nnplay's entry point: the navigation (the one page table is nnplay.ui.site) and the home page.
Imports no TensorFlow: the home page must open instantly."""

import streamlit as st

from nnplay import warm_up
from nnplay.ui import home
from nnplay.ui.site import HOME_ICON, HOME_TITLE, PAGES
from nnplay.ui.uploads import bound_uploads_per_session

st.set_page_config(page_title="nnplay — neural-network playground", page_icon="🧠", layout="wide")
bound_uploads_per_session()  # once per server; later calls return at once

navigation = st.navigation(
    [st.Page(home.render, title=HOME_TITLE, icon=HOME_ICON, default=True)]
    + [st.Page(page.file, title=page.title, icon=page.icon, url_path=page.url_path) for page in PAGES]
)
navigation.run()
warm_up.start()  # TensorFlow's ~5 s import, in the background, once the first page is drawn
