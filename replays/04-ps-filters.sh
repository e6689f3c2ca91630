# ps columns, filters and formats
docker import base.tar base:1
docker tag base:1 alt:1
docker create --network none --name f1 --label role=web base:1 true
docker run --network none --name f2 --label role=db base:1 sh -c 'exit 2'
docker run -d --network none --name f3 --label role=web alt:1 sleep 1000
docker run -d --network none --name f4 base:1 sleep 1000
docker pause f4
docker ps
docker ps -a
docker ps -q
docker ps -a --filter name=f
docker ps -a --filter name=f1 --format '{{.Names}} {{.Status}}'
docker ps -a --filter status=exited --format '{{.Names}} {{.Status}}'
docker ps -a --filter status=created --format '{{.Names}}'
docker ps --filter status=paused --format '{{.Names}} {{.Status}} {{.State}}'
docker ps -a --filter ancestor=base:1 --format '{{.Names}} {{.Image}}'
docker ps -a --filter ancestor=alt:1 --format '{{.Names}} {{.Image}}'
docker ps -a --filter label=role=web --format '{{.Names}} {{.Labels}}'
docker ps -a --filter label=role --format '{{.Names}}'
docker ps -a --filter status=bogus
docker ps -a --format '{{.ID}} {{.Command}} {{.Image}}'
