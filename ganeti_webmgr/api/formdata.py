"""JSON bodies as the action layer's Django forms expect them, and forms described for
scripts: the API asks the same forms the web's pages post to, so both validate alike."""

from __future__ import annotations

from django import forms
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from rest_framework import exceptions

from ganeti_webmgr.actions.tags import WordsField

# What the API's bodies may carry beside a form's fields.
CONFIRM, OVERRIDE_QUOTA = "confirm", "override_quota"


class BadBody(exceptions.ValidationError):
    pass


def body_of(request) -> dict:
    """The JSON object the request sent ({} for none); 400 for anything else."""
    data = request.data
    if data in (None, "") or (hasattr(data, "keys") and not data):
        return {}
    if not isinstance(data, dict):
        raise BadBody({"non_field_errors": [_("Send a JSON object of the action's fields.")]})
    return dict(data)


def flag(body: dict, key: str) -> bool:
    """body's "confirm" or "override_quota": true, or absent (false)."""
    value = body.pop(key, False)
    if not isinstance(value, bool):
        raise BadBody({key: [_("Must be true or false.")]})
    return value


def to_form_data(form: forms.Form, values: dict, *, extra=()) -> MultiValueDict:
    """values ({field: JSON value}) as form's POST would carry them: lists for fields
    of several values, "on" for true booleans (false ones left out), text for the
    rest. An unknown field is a 400 naming it (a typo must not pass unseen); extra:
    names the caller converts itself."""
    unknown = sorted(k for k in values if k not in form.fields and k not in extra)
    if unknown:
        raise BadBody({k: [_("Unknown field.")] for k in unknown})
    data = MultiValueDict()
    for name, value in values.items():
        if name in extra:
            continue
        field = form.fields[name]
        if value is None:
            continue
        if isinstance(field, forms.BooleanField) and not isinstance(field, forms.NullBooleanField):
            if not isinstance(value, bool):
                raise BadBody({name: [_("Must be true or false.")]})
            if value:
                data[name] = "on"
        elif isinstance(field, forms.NullBooleanField):
            data[name] = "true" if value else "false"
        elif isinstance(field, forms.MultipleChoiceField):
            items = value if isinstance(value, list) else [value]
            data.setlist(name, [_text(item) for item in items])
        elif isinstance(value, list) and isinstance(field, WordsField):
            if not all(isinstance(item, str) for item in value):
                raise BadBody({name: [_("Must be a list of texts.")]})
            if any(len(item.split()) != 1 for item in value):
                raise BadBody({name: [_("Each item must be one word.")]})
            data[name] = field.separator.join(value)
        elif isinstance(value, (dict, list)):
            raise BadBody({name: [_("Must be a single value.")]})
        else:
            data[name] = _text(value)
    return data


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def describe(form: forms.Form) -> list[dict]:
    """form's fields for a script: name, type, required, label, help, default, choices."""
    return [_field(name, field, form) for name, field in form.fields.items()]


def _field(name: str, field: forms.Field, form: forms.Form) -> dict:
    row = {
        "name": name,
        "type": _type(field),
        "required": bool(field.required) and not field.disabled,
        "label": str(field.label or name),
        "help": str(field.help_text or ""),
        "default": json_value(form.get_initial_for_field(field, name)),
    }
    if isinstance(field, forms.ChoiceField):
        row["choices"] = [
            {"value": json_value(value), "label": str(label)}
            for value, label in _flat(field.choices)
            if value not in ("", None) or not field.required
        ]
    return row


def _type(field: forms.Field) -> str:
    if isinstance(field, forms.BooleanField):
        return "boolean"
    if isinstance(field, forms.MultipleChoiceField):
        return "multiple_choice"
    if isinstance(field, WordsField):
        return "words"
    if isinstance(field, forms.ChoiceField):
        return "choice"
    if isinstance(field, forms.IntegerField):
        return "integer"
    if isinstance(field, forms.DecimalField | forms.FloatField):
        return "number"
    return "string"


def _flat(choices):
    for value, label in choices:
        if isinstance(label, list | tuple):  # a group of choices
            yield from label
        else:
            yield value, label


def json_value(value):
    if callable(value):
        value = value()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    return str(value)


def renamed(values: dict, names: dict[str, str]) -> dict:
    """values (a body) under its form's field names: names is {API name: form field}
    for the fields the API names as it shows them ("active" for is_active). A form
    field's own name of those is unknown, as any other."""
    hidden = set(names.values()) - set(names)
    if wrong := sorted(k for k in values if k in hidden):
        raise BadBody({k: [_("Unknown field.")] for k in wrong})
    return {names.get(k, k): v for k, v in values.items()}


def named_form_data(
    form: forms.Form, body: dict, names: dict[str, str], start: dict | None = None
) -> MultiValueDict:
    """to_form_data() of body under its form's names (renamed()), over start (the
    form's names: current_values() for a PATCH); its refusals under the API's names."""
    values = {**(start or {}), **renamed(body, names)}
    try:
        return to_form_data(form, values)
    except BadBody as refusal:
        shown = {field: name for name, field in names.items()}
        raise BadBody({shown.get(k, k): v for k, v in refusal.detail.items()}) from None


def form_errors(form: forms.Form, shown: dict[str, str] | None = None) -> BadBody:
    """A 400 with the invalid form's errors per field; shown: {form field: the API's
    name of it}."""
    errors: dict[str, list[str]] = {}
    for field, messages in form.errors.items():
        key = "non_field_errors" if field == "__all__" else (shown or {}).get(field, field)
        said = errors.setdefault(key, [])
        said.extend(m for m in map(str, messages) if m not in said)  # two fields, one name
    return BadBody(errors)


def current_values(form: forms.Form) -> dict:
    """The JSON values an unbound form starts from (its instance's): what a PATCH
    leaves out stays so."""
    return {
        name: json_value(form.get_initial_for_field(field, name))
        for name, field in form.fields.items()
        if not field.disabled
    }
