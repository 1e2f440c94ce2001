"""Files in the Slack stand-in: the two-step upload (files.getUploadURLExternal, the upload to the URL it gave,
files.completeUploadExternal sharing it in a message), and the bytes tests and the web page read back.

A mixin of `workspace.SlackSandbox`: it keeps its files in the sandbox's `files` (made by `reset`), under the
sandbox's `_lock`; `SlackSandbox._dispatch` finds its `_files_*` methods.
"""
from __future__ import annotations

from bot.sandbox.objects import BOT_USER, ApiError, Message, file_type, maybe_json


class FileMethods:
    def _files_getUploadURLExternal(self, args: dict) -> dict:
        file_id = self._next_id("F")
        self.files[file_id] = {"id": file_id, "name": args["filename"], "length": int(args["length"]),
                               "content": None, "title": args["filename"]}
        return {"upload_url": f"{self.base_url}/sandbox/upload/{file_id}", "file_id": file_id}

    def file_content(self, file_id: str) -> bytes | None:
        """The bytes of a file uploaded and shared in a message (None for one never completed)."""
        with self._lock:
            stored = self.files.get(file_id)
            if stored is None or stored.get("content") is None or "mimetype" not in stored:
                return None
            return stored["content"]

    def store_upload(self, file_id: str, content: bytes) -> None:
        with self._lock:
            if file_id in self.files:
                self.files[file_id]["content"] = content

    def _files_completeUploadExternal(self, args: dict) -> dict:
        files = maybe_json(args["files"]) or []
        out = []
        for f in files:
            stored = self.files.get(f.get("id"))
            if not stored or stored["content"] is None:
                raise ApiError("file_not_found")
            stored["title"] = f.get("title") or stored["name"]
            stored.update(size=len(stored["content"]), **file_type(stored["name"], stored["content"]))
            out.append({k: v for k, v in stored.items() if k != "content"})
        channel_id = args.get("channel_id")
        if channel_id:
            channel = self._resolve_channel(channel_id)
            self.messages.append(Message(channel=channel["id"], ts=self._new_ts(), user=BOT_USER,
                                         text=args.get("initial_comment") or "", blocks=[], files=out,
                                         thread_ts=args.get("thread_ts"), via="files.completeUploadExternal"))
        return {"files": out}
