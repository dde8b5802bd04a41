"""用户: the administrator adds users, resets passwords (shown once) and disables accounts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse

from gaoxin.store import cases as store_cases
from gaoxin.store import users as store_users
from gaoxin.store.users import ROLES
from gaoxin.web import auth
from gaoxin.web.auth import Csrf
from gaoxin.web.deps import Admin, DbDep
from gaoxin.web.render import render

router = APIRouter(include_in_schema=False)


def context(request: Request, db, **extra) -> dict:
    request.app.state.cache.ensure(db)
    return {
        "users": store_users.list_users(db),
        "roles": ROLES,
        "towns": request.app.state.cache.towns,
        "departments": store_cases.known_units(db, "request"),
        "nav": "users",
        "error": None,
        "saved": None,
        **extra,
    }


@router.get("/admin/users")
def users_page(request: Request, db: DbDep, user: Admin):
    return render(request, "users.html", context(request, db))


@router.post("/admin/users", dependencies=[Csrf])
def save_user(
    request: Request,
    db: DbDep,
    user: Admin,
    name: Annotated[str, Form(max_length=64)] = "",
    role: Annotated[str, Form()] = "viewer",
    town: Annotated[str, Form(max_length=64)] = "",
    department: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
):
    from gaoxin.store.towns import known_towns, unknown_town_message

    refusal = unknown_town_message(town.strip(), known_towns(db)) if role == "town" and town.strip() else None
    if refusal:
        return render(request, "users.html", context(request, db, error=refusal), status_code=400)
    try:
        with request.app.state.store.write_lock:
            new_password = auth.add_user(db, name, role, town or None, password or None, department or None)
    except ValueError as exc:
        message = str(exc)
        if role == "town" and not town.strip():
            message = "镇街用户必须指定镇街"
        elif role == "department" and not department.strip():
            message = "部门经办人必须指定承办部门"
        return render(request, "users.html", context(request, db, error=message), status_code=400)
    request.app.state.auth.forget_user(name.strip())
    shown = None if password else new_password  # a typed password is not echoed back
    return render(
        request, "users.html", context(request, db, saved={"name": name.strip(), "password": shown})
    )


@router.post("/admin/users/{name}/disable", dependencies=[Csrf])
def disable(request: Request, db: DbDep, user: Admin, name: str):
    return _set_disabled(request, db, user, name, True)


@router.post("/admin/users/{name}/enable", dependencies=[Csrf])
def enable(request: Request, db: DbDep, user: Admin, name: str):
    return _set_disabled(request, db, user, name, False)


def _set_disabled(request: Request, db, user, name: str, disabled: bool):
    if store_users.get_user(db, name) is None:
        raise HTTPException(404, "user not found")
    if name == user.name and disabled:
        raise HTTPException(400, "cannot disable yourself")
    with request.app.state.store.write_lock:
        store_users.set_disabled(db, name, disabled)
    request.app.state.auth.forget_user(name)
    return RedirectResponse("/admin/users", status_code=303)
