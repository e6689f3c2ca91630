"""dockspec: the command-line tool, script runner, engine adapters and graph explorer."""
