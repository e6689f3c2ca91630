# inspect of containers and images: selected fields
docker import base.tar base:1
docker create --network none --name i1 base:1 sleep 1000
docker inspect --format '{{.Name}}|{{.State.Status}}|{{.State.Running}}|{{.State.Pid}}|{{.State.ExitCode}}|{{.Config.Cmd}}|{{.Config.Entrypoint}}|{{.Config.Image}}|{{.Path}}|{{.Args}}' i1
docker start i1
docker inspect --format '{{.State.Status}}|{{.State.Running}}|{{.State.Paused}}|{{.State.ExitCode}}|{{.State.OOMKilled}}|{{.State.Error}}' i1
docker kill i1
docker inspect --format '{{.State.Status}}|{{.State.ExitCode}}|{{.State.Pid}}' i1
docker inspect --format '{{.Config.Env}}|{{.Config.WorkingDir}}|{{.Config.Hostname}}' i1
docker inspect --format '{{.Config.Env}}|{{.Config.WorkingDir}}|{{.Architecture}}|{{.Os}}|{{.Size}}|{{.Config.Image}}|{{.Container}}' base:1
docker inspect --type image i1
docker inspect --type container base:1
docker container inspect --format '{{.Name}}' i1 nosuch
docker image inspect --format '{{.RepoTags}}' base:1
