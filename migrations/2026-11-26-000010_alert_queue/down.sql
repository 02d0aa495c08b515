DROP TABLE alert_queue;
