"""A session's uploads stay within MAX_SESSION_UPLOAD_BYTES: the oldest go as new ones come, the
newest is always kept, other sessions' files are untouched, and the manager's totals agree."""

from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.uploaded_file_manager import UploadedFileRec

from nnplay.ui.uploads import bound_uploads_per_session

MB = 2**20


def upload(manager, session, file_id, megabytes):
    manager.add_file(session, UploadedFileRec(file_id, f"{file_id}.csv", "text/csv", b"x" * (megabytes * MB)))


def test_sixty_uploads_of_one_session_keep_only_the_newest_within_the_limit():
    manager = MemoryUploadedFileManager("/_stcore/upload_file")
    bound_uploads_per_session(manager, limit=20 * MB)
    bound_uploads_per_session(manager, limit=20 * MB)  # a second call changes nothing
    upload(manager, "other", "theirs", 5)
    for number in range(60):
        upload(manager, "hostile", f"f{number}", 9)
    kept = manager.file_storage["hostile"]
    assert list(kept) == ["f58", "f59"]
    assert manager.get_files("other", ["theirs"])[0].data == b"x" * (5 * MB)
    assert manager._total_bytes == (2 * 9 + 5) * MB and manager._file_count == 3
    manager.remove_session_files("hostile")  # the session ends: Streamlit frees the rest
    assert manager._total_bytes == 5 * MB and manager._file_count == 1


def test_one_file_over_the_limit_is_still_kept_and_a_replaced_file_counts_once():
    manager = MemoryUploadedFileManager("/_stcore/upload_file")
    bound_uploads_per_session(manager, limit=4 * MB)
    upload(manager, "s", "small", 1)
    upload(manager, "s", "big", 6)
    assert list(manager.file_storage["s"]) == ["big"]
    upload(manager, "s", "big", 3)  # the same file id again (a re-upload)
    assert manager._total_bytes == 3 * MB and manager._file_count == 1
