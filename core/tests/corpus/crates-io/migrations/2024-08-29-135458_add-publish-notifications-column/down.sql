ALTER TABLE users DROP publish_notifications;
