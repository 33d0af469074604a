"""The site's pages: one record per page. app.py builds the navigation from it, the home page
its cards. Each page keeps the URL path it has always had, so every link ever shared still opens.

The page scripts live in app_pages/, not pages/: Streamlit 1.67 decides once per server process
whether an app is a "pages/ folder" app (PagesManager.uses_pages_directory). With a pages/ folder
beside app.py, a fresh server whose first visitor opens a shared link (/Playground?...) ran the
page on its own, with the old folder navigation (the home page called "app", no icons), and
st.navigation in app.py never ran for that session.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageRecord:
    file: str  # the page script, relative to the repository root
    title: str  # in the sidebar and on the home page's card
    icon: str  # a Material icon Streamlit ships (Debian's Chromium has no colour emoji font)
    url_path: str  # /Playground ... as Streamlit derived it from the file name before st.navigation
    card: str  # what the home page says about it


PAGES: tuple[PageRecord, ...] = (
    PageRecord("app_pages/1_Playground.py", "Playground", ":material/science:", "Playground",
               "Pick a task, stack layers, choose an optimizer, and watch the loss and the decision boundary move "
               "live. Export the Keras code; share the setup as a link."),
    PageRecord("app_pages/2_Softmax_Inspector.py", "Softmax Inspector", ":material/search:", "Softmax_Inspector",
               "Logits, probabilities that sum to one, confident mistakes, a confusion matrix, a digit you draw, "
               "sigmoids vs softmax, and why from_logits=True is the numerically stable way."),
    PageRecord("app_pages/3_Optimizer_Lab.py", "Optimizer Lab", ":material/landscape:", "Optimizer_Lab",
               "Gradient descent, momentum, RMSprop, Adagrad and Adam racing across cost surfaces from the same "
               "start: learning rates too small and too large, one rate per parameter, and a race on a real network."),
    PageRecord("app_pages/4_Activation_Lab.py", "Activation Lab", ":material/show_chart:", "Activation_Lab",
               "Activations and their derivatives, softmax on numbers you type, why a network of linear layers is "
               "one linear layer, and how sigmoid stacks starve their first layers of gradient."),
    PageRecord("app_pages/5_Lessons.py", "Lessons", ":material/school:", "Lessons",
               "The course, one idea at a time: predict, try it on the real pages, and let the check judge what "
               "you trained. Progress travels in the link."),
)
HOME_TITLE = "Home"
HOME_ICON = ":material/home:"
