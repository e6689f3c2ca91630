# rmi with several tags / repositories, by id ({id:REF} = 12-char id of REF, resolved by the runner)
docker import base.tar base:1
docker tag base:1 base:2
docker rmi {id:base:1}
docker tag base:1 other:1
docker rmi {id:base:1}
docker rmi base:2
docker rmi {id:base:1}
docker rmi -f {id:base:1}
docker images -a
docker import base.tar solo:1
docker rmi {id:solo:1}
docker images -a
