"""JSON API for the puskesmas and other local systems: the status check and the UHC indicators,
with token authentication (``Authorization: Bearer smt_…``) and an OpenAPI 3.1 description.

A token acts as its account: same role, same region, and the purpose declared when it was made.
The NIK travels in the POST body only.
"""

from __future__ import annotations

import hashlib
import json
from functools import wraps

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from semesta.web import status
from semesta.web.models import ApiToken, RegionStat
from semesta.web.roles import Perm
from semesta.web.scope import publication_for, scope_of


def _error(status_code: int, code: str, id_text: str, en_text: str) -> JsonResponse:
    return JsonResponse(
        {"error": code, "message": {"id": id_text, "en": en_text}}, status=status_code
    )


def token_required(perm):
    def decorator(view):
        @csrf_exempt
        @wraps(view)
        def guarded(request: HttpRequest, *args, **kwargs):
            header = request.headers.get("Authorization", "")
            scheme, _, secret = header.partition(" ")
            if scheme.lower() not in ("bearer", "token") or not secret.strip():
                return _error(
                    401, "unauthenticated", "Token API diperlukan.", "An API token is required."
                )
            digest = hashlib.sha256(secret.strip().encode()).hexdigest()
            token = (
                ApiToken.objects.select_related("user")
                .filter(key_hash=digest, revoked_at__isnull=True)
                .first()
            )
            if token is None or not token.user.is_active:
                return _error(
                    401,
                    "invalid_token",
                    "Token tidak sah atau sudah dicabut.",
                    "The token is invalid or revoked.",
                )
            if not token.user.can(perm):
                return _error(
                    403,
                    "forbidden",
                    "Peran akun token ini tidak mengizinkannya.",
                    "The token's account role does not allow this.",
                )
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
            request.user = token.user
            request.api_token = token
            return view(request, *args, **kwargs)

        return guarded

    return decorator


@require_http_methods(["POST"])
@token_required(Perm.STATUS_CHECK)
def status_check(request: HttpRequest) -> JsonResponse:
    try:
        body = json.loads(request.body or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("nik"), str | int):
        return _error(
            400, "bad_request", 'Kirim JSON {"nik": "16 angka"}.', 'Send JSON {"nik": "16 digits"}.'
        )
    answer = status.check(
        request,
        str(body["nik"]),
        via="api",
        purpose=request.api_token.purpose,
    )
    return JsonResponse(answer, status=200 if answer.get("valid") else 422)


def _stat(stat: RegionStat) -> dict:
    return {
        "code": stat.code,
        "name": stat.name,
        "level": stat.level,
        "parent_code": stat.parent_code,
        "population": stat.population,
        "registered": stat.registered,
        "active": stat.active,
        "coverage_pct": str(stat.coverage_pct) if stat.coverage_pct is not None else None,
        "active_pct": str(stat.active_pct) if stat.active_pct is not None else None,
        "pemda_pct": str(stat.pemda_pct) if stat.pemda_pct is not None else None,
        "segments": stat.segments,
        "detail": stat.detail,
    }


@require_GET
@token_required(Perm.VIEW_DASHBOARD)
def indicators(request: HttpRequest) -> JsonResponse:
    scope = scope_of(request.user)
    code = (request.GET.get("wilayah") or scope.code).replace(".", "")
    if not scope.contains(code):
        return _error(
            404,
            "not_found",
            "Wilayah tidak ada atau di luar wilayah token.",
            "Region not found or outside the token's region.",
        )
    publication = publication_for(request)
    if publication is None:
        return _error(
            404, "no_data", "Belum ada data yang diterbitkan.", "No data has been published yet."
        )
    stat = RegionStat.objects.filter(publication=publication, code=code).first()
    if stat is None:
        return _error(
            404,
            "not_found",
            "Wilayah tidak ada dalam data periode ini.",
            "Region not in this period's data.",
        )
    children = RegionStat.objects.filter(publication=publication, parent_code=code).order_by("code")
    return JsonResponse(
        {
            "period": publication.period,
            "region": _stat(stat),
            "children": [_stat(child) for child in children],
        }
    )


def openapi_document(request: HttpRequest | None = None) -> dict:
    bilingual = {
        "type": "object",
        "properties": {"id": {"type": "string"}, "en": {"type": "string"}},
    }
    error = {
        "type": "object",
        "properties": {"error": {"type": "string"}, "message": bilingual},
    }
    region = {
        "type": "object",
        "properties": {
            "code": {"type": "string", "example": "6202"},
            "name": {"type": "string"},
            "level": {"type": "string", "enum": ["kabupaten", "kecamatan", "desa"]},
            "parent_code": {"type": "string"},
            "population": {"type": "integer"},
            "registered": {"type": "integer"},
            "active": {"type": "integer"},
            "coverage_pct": {
                "type": ["string", "null"],
                "example": "96.49",
                "description": "registered ÷ population × 100 (decimal string)",
            },
            "active_pct": {
                "type": ["string", "null"],
                "example": "76.32",
                "description": "active ÷ population × 100 (decimal string)",
            },
            "pemda_pct": {"type": ["string", "null"]},
            "segments": {
                "type": "object",
                "description": "per segment group (BELUM_TERDAFTAR: not registered); the "
                "groups add up to the region's population, registered and active",
                "additionalProperties": {
                    "type": "object",
                    "properties": {
                        "population": {"type": "integer"},
                        "registered": {"type": "integer"},
                        "active": {"type": "integer"},
                    },
                },
            },
            "detail": {"type": "object", "description": "status, award and gap to target"},
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Semesta API",
            "version": "1",
            "description": (
                "Status kepesertaan JKN dan indikator UHC untuk puskesmas dan sistem lokal. "
                "Token dibuat di halaman 'Token API' dan bertindak sebagai akunnya (peran, "
                "wilayah, tujuan). Setiap cek status dicatat di log audit. / JKN membership "
                "status and UHC indicators for puskesmas and local systems. A token acts as "
                "its account (role, region, purpose). Every status check is audited."
            ),
        },
        "servers": [{"url": request.build_absolute_uri("/") if request else "/"}],
        "components": {
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": error, "Bilingual": bilingual, "Region": region},
        },
        "security": [{"token": []}],
        "paths": {
            "/api/v1/status": {
                "post": {
                    "summary": "Cek status kepesertaan satu NIK / check one NIK",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["nik"],
                                    "properties": {
                                        "nik": {"type": "string", "example": "6202011505900003"}
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "200": {
                            "description": "Jawaban / the answer",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "valid": {"type": "boolean"},
                                            "published": {"type": "boolean"},
                                            "period": {"type": "string"},
                                            "nik": {
                                                "type": "string",
                                                "description": "masked: 6202********0003",
                                            },
                                            "found": {"type": "boolean"},
                                            "in_scope": {"type": "boolean"},
                                            "covered": {"type": "boolean"},
                                            "registered": {"type": "boolean"},
                                            "active": {"type": "boolean"},
                                            "segment": {"type": ["object", "null"]},
                                            "kelas": {"type": ["integer", "null"]},
                                            "fktp": {"type": ["object", "null"]},
                                            "pemda_eligible": {"type": ["boolean", "null"]},
                                            "next_step": {
                                                "type": "object",
                                                "properties": {
                                                    "code": {"type": "string"},
                                                    "covered": {"type": "boolean"},
                                                    "text": bilingual,
                                                    "office": {"type": "string"},
                                                    "source": {"type": "string"},
                                                },
                                            },
                                        },
                                    }
                                }
                            },
                        },
                        "400": {
                            "description": "Badan permintaan salah / bad body",
                            "content": {"application/json": {"schema": error}},
                        },
                        "401": {
                            "description": "Tanpa token / no valid token",
                            "content": {"application/json": {"schema": error}},
                        },
                        "403": {
                            "description": "Peran tidak mengizinkan / role not allowed",
                            "content": {"application/json": {"schema": error}},
                        },
                        "422": {"description": "NIK tidak valid / invalid NIK"},
                    },
                }
            },
            "/api/v1/indikator": {
                "get": {
                    "summary": "Indikator UHC satu wilayah dan wilayah di bawahnya / UHC "
                    "indicators of a region and its children",
                    "parameters": [
                        {
                            "name": "wilayah",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string", "example": "6202"},
                            "description": "kode wilayah (default: wilayah token)",
                        },
                        {
                            "name": "periode",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string", "example": "2025-06"},
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "Indikator / indicators",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "period": {"type": "string"},
                                            "region": {"$ref": "#/components/schemas/Region"},
                                            "children": {
                                                "type": "array",
                                                "items": {"$ref": "#/components/schemas/Region"},
                                            },
                                        },
                                    }
                                }
                            },
                        },
                        "401": {"description": "Tanpa token / no valid token"},
                        "404": {
                            "description": "Tidak ada / not found",
                            "content": {"application/json": {"schema": error}},
                        },
                    },
                }
            },
        },
    }


@require_GET
def openapi(request: HttpRequest) -> JsonResponse:
    return JsonResponse(openapi_document(request), json_dumps_params={"ensure_ascii": False})


@require_GET
def docs(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/api_docs.html",
        {
            "openapi_url": reverse("api_openapi"),
            "status_url": request.build_absolute_uri(reverse("api_status")),
            "indicators_url": request.build_absolute_uri(reverse("api_indicators")),
        },
    )
