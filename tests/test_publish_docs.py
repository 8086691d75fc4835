"""The ready-made publishing workflows in docs/publish/ build the folder they publish."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from mentoring_site.cli import main

DOCS = Path(__file__).resolve().parent.parent / "docs" / "publish"


def test_github_pages_workflow_uploads_what_it_builds() -> None:
    workflow = yaml.safe_load((DOCS / "github-pages.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["build"]["steps"]
    assert 'mentoring-site build . --site-dir site --site-url "${{ steps.pages.outputs.base_url }}/"' in [
        step.get("run") for step in steps]
    pages = [i for i, step in enumerate(steps) if step.get("uses", "").startswith("actions/configure-pages")]
    assert len(pages) == 1 and steps[pages[0]]["id"] == "pages"
    upload = [step for step in steps if step.get("uses", "").startswith("actions/upload-pages-artifact")]
    assert [step["with"]["path"] for step in upload] == ["site"]
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}


def test_gitlab_pages_job_publishes_what_it_builds() -> None:
    job = yaml.safe_load((DOCS / "gitlab-pages.yml").read_text(encoding="utf-8"))["pages"]
    assert 'mentoring-site build . --site-dir public --site-url "$CI_PAGES_URL/"' in job["script"]
    assert job["artifacts"]["paths"] == ["public"]


def test_the_workflows_build_command_works(small: Path, monkeypatch) -> None:
    monkeypatch.chdir(small)
    assert main(["build", ".", "--site-dir", "public", "--site-url", "https://guild.example.org/handbook/", "-q"]) == 0
    assert (small / "public/worksheets/plan-a4.pdf").is_file()
    # The address given makes a sitemap, and a 404 page whose links work at any depth.
    sitemap = (small / "public/sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://guild.example.org/handbook/mentors/say-hello/</loc>" in sitemap
    assert 'href="/handbook/assets/mentoring.css"' in (small / "public/404.html").read_text(encoding="utf-8")


def test_a_site_url_that_is_no_web_address_is_refused(small: Path, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["build", str(small), "--site-url", "javascript:alert(1)"])
    assert exit_.value.code == 2
    assert capsys.readouterr().err.endswith(
        "error: argument --site-url: 'javascript:alert(1)' must be a web address starting with https://\n")
