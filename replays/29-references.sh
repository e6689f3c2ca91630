# malformed references: "invalid reference format" (and "repository name must be lowercase"), never "No such image"
docker import base.tar base:1
docker create --network none --name r1 base:1 true
docker rmi Bad:Ref
docker rmi a::b
docker rmi img@x
docker tag base:1 Bad:Ref
docker tag base:1 a::b
docker tag Bad:Ref base:2
docker tag a::b base:2
docker history Bad:Ref
docker history a::b
docker save -o s.tar Bad:Ref
docker save -o s.tar img@x
docker create --network none Bad:Ref true
docker create --network none a::b true
docker run --network none img@x true
docker commit r1 Bad:Ref
docker commit r1 a::b
docker import base.tar Bad:Ref
docker import base.tar a::b
docker inspect Bad:Ref
docker inspect --type image a::b
docker image inspect img@x
docker build -t Bad:Ref contexts/basic
docker build -t a::b contexts/basic
docker images
