"""Masking personal data (NIK, KK, phone numbers) in text and in every log line.

Imports nothing from Django: the logging configuration loads it before the apps.
"""

import logging
import re

# A NIK or KK: 16 digits, also written in groups (6474 0101 0190 0001, 6474.0101...).
ID_NUMBER = re.compile(r"(?<![\d])(\d{4})[ .-]?(\d{4})[ .-]?(\d{4})[ .-]?(\d{4})(?![\d])")
# An Indonesian mobile number: 08…, 628… or +628…, 10 to 13 digits in all.
PHONE = re.compile(r"(?<![\d+])(?:\+?62[ -]?|0)8[\d -]{7,13}\d(?![\d])")


def mask_personal_data(text: str) -> str:
    """Mask every NIK/KK-like 16-digit number and every mobile number in `text`."""
    text = ID_NUMBER.sub(lambda m: f"{m.group(1)}********{m.group(4)}", text)
    return PHONE.sub("08**********", text)


class PersonalDataFilter(logging.Filter):
    """A logging filter that masks NIK, KK and phone numbers in the message and traceback.

    It renders the message once (args included) and the exception text, masks both,
    and leaves the record without args, so no handler can print the raw values.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is still logged, as logging would
            message = str(record.msg)
        record.msg, record.args = mask_personal_data(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal_data(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_personal_data(record.stack_info)
        return True
