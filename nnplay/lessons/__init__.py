"""The course as lessons: each lesson one record (nnplay.lessons.course) with a check that judges what the
learner really trained or tried (nnplay.lessons.checks). No Streamlit here; TensorFlow only where a
lesson trains something itself (nnplay.lessons.double_softmax)."""
