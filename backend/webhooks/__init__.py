"""webhooks domain: signed HTTP deliveries of outbox events to subscribed URLs."""
