# ARG and --build-arg (defaults, RUN and ENV, unset args, meta ARG before FROM, unused args), --no-cache
docker import base.tar base:1
docker build --network none -t arg:1 contexts/args
docker history --no-trunc --format '{{.CreatedBy}}|{{.Size}}' arg:1
docker run --rm --network none arg:1 sh -c 'cat /who /late; echo "$GREETING[$WHO]"'
docker inspect --format '{{.Config.Env}}|{{.Config.Labels}}' arg:1
docker build --network none --build-arg WHO=you --build-arg LATE=soon -t arg:2 contexts/args
docker history --no-trunc --format '{{.CreatedBy}}|{{.Size}}' arg:2
docker run --rm --network none arg:2 sh -c 'cat /who /late; echo $GREETING'
docker build --network none --build-arg EMPTY= --build-arg ZED=1 --build-arg TAG=1 -t arg:3 contexts/args
docker history --no-trunc --format '{{.CreatedBy}}' arg:3
docker run --rm --network none arg:3 cat /who
docker build --network none --build-arg WHO=you --build-arg LATE=soon -t arg:4 contexts/args
docker build --network none --no-cache --build-arg WHO=you --build-arg LATE=soon -t arg:5 contexts/args
docker images -a
docker history arg:5
docker images
