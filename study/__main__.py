from study.launch import entry

entry()
