from .base import PROVIDERS, SendResult, SmsProvider, StatusResult, get_provider
from . import kannel, smsaero, smsc, smsru, twilio
