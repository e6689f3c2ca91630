# Build an app image whose RUN steps loop over directories and files, then look inside it.
docker import base.tar base:1
docker build --network none -t myapp:latest app
docker images myapp
docker history myapp:latest
docker run --rm --network none myapp:latest
docker run --rm --network none myapp:latest ls /opt/app /opt/app/data
docker run --rm --network none myapp:latest cat /opt/app/app.conf
docker run --rm --network none myapp:latest sh -c 'grep port app.conf | sed "s/port=//"'
docker run --rm --network none myapp:latest ls -l /opt/app
