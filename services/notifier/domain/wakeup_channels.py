"""The wake-up channels of the delivery loops (``chassis.bus.wakeup``): whoever stages an email or a webhook
delivery rings its channel in the same transaction, and the loop waiting on it wakes when that commits."""
MAIL_CHANNEL = "guichet_notifier_mail"
WEBHOOK_CHANNEL = "guichet_notifier_webhooks"
