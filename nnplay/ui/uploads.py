"""At most a few uploads' worth of memory per session, however many files a client sends.

Streamlit keeps every file a session uploads in memory until the session ends (or its widget
lets go of it), and its upload endpoint takes any number of files for a session: one client
sent 60 files of 10 MB in 2 s and the server grew by 600 MB. The Playground reads only the
newest CSV, so past MAX_SESSION_UPLOAD_BYTES a session's oldest files are dropped as a new one
arrives. (Streamlit's `server.maxUploadSize` still bounds each file; a session's files go when
it ends, as before.)
"""

from __future__ import annotations

from streamlit.runtime import Runtime

MAX_SESSION_UPLOAD_BYTES = 20 * 2**20  # two CSVs at the 10 MB upload limit


def bound_uploads_per_session(manager=None, limit: int = MAX_SESSION_UPLOAD_BYTES) -> None:
    """Make Streamlit's uploaded-file manager (this server's, unless one is given) keep at most
    `limit` bytes per session. Idempotent: call it on every script run."""
    if manager is None:
        if not Runtime.exists():
            return  # AppTest and bare scripts have no server
        manager = Runtime.instance().uploaded_file_mgr
    if getattr(manager, "_nnplay_limit", None) is not None or not hasattr(manager, "file_storage"):
        return  # done already, or not the in-memory manager this knows
    manager._nnplay_limit = limit
    add_file = manager.add_file

    def add_within_limit(session_id, file):
        add_file(session_id, file)
        with manager._lock:
            files = manager.file_storage.get(session_id, {})
            total = sum(len(kept.data) for kept in files.values())
            for file_id in list(files):  # oldest first: dicts keep insertion order
                if total <= limit:
                    break
                if file_id == file.file_id:
                    continue  # the newest is kept, whatever its size
                dropped = files.pop(file_id)
                total -= len(dropped.data)
                manager._total_bytes -= len(dropped.data)
                manager._file_count -= 1

    manager.add_file = add_within_limit
