"""The ready-made publishing workflows in docs/publish/ build the folder they publish."""

from __future__ import annotations

from pathlib import Path

import yaml

from mentoring_site.cli import main

DOCS = Path(__file__).resolve().parent.parent / "docs" / "publish"


def test_github_pages_workflow_uploads_what_it_builds() -> None:
    workflow = yaml.safe_load((DOCS / "github-pages.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["build"]["steps"]
    assert "mentoring-site build . --site-dir site" in [step.get("run") for step in steps]
    upload = [step for step in steps if step.get("uses", "").startswith("actions/upload-pages-artifact")]
    assert [step["with"]["path"] for step in upload] == ["site"]
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}


def test_gitlab_pages_job_publishes_what_it_builds() -> None:
    job = yaml.safe_load((DOCS / "gitlab-pages.yml").read_text(encoding="utf-8"))["pages"]
    assert "mentoring-site build . --site-dir public" in job["script"]
    assert job["artifacts"]["paths"] == ["public"]


def test_the_workflows_build_command_works(small: Path, monkeypatch) -> None:
    monkeypatch.chdir(small)
    assert main(["build", ".", "--site-dir", "public", "-q"]) == 0
    assert (small / "public/404.html").is_file() and (small / "public/worksheets/plan-a4.pdf").is_file()
