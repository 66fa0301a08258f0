print("callhook")
