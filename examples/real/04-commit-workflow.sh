# Configure a container by hand, save it as an image, and start from it.
docker import base.tar base:1
docker run -d --network none --name builder base:1 sleep 600
docker exec builder mkdir -p /srv/www
docker exec builder sh -c 'echo "<h1>hello</h1>" > /srv/www/index.html'
docker exec builder sh -c 'for page in about contact; do echo "<h1>$page</h1>" > /srv/www/$page.html; done'
docker diff builder
docker commit -m "add site" builder site:v1
docker history site:v1
docker run --rm --network none site:v1 ls /srv/www
docker run --rm --network none site:v1 sh -c 'for f in /srv/www/*.html; do echo "$(basename $f): $(cat $f)"; done'
docker run --rm --network none site:v1 sh -c 'for f in /srv/www/*.html; do n=${f##*/}; echo "${n%.html}: $(cat $f)"; done'
docker stop -t 1 builder
docker rm builder
docker images site
