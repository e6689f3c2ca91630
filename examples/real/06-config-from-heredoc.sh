# Render a config file inside a container from environment variables.
docker import base.tar base:1
docker run -d --network none --name cfg -e APP_PORT=9090 -e APP_NAME=shop base:1 sh -c '
mkdir -p /etc/app
cat > /etc/app/app.ini <<EOF
[server]
name = ${APP_NAME}
port = ${APP_PORT:-8080}
workers = $((2 * 2))
EOF
sleep 3600'
docker exec cfg cat /etc/app/app.ini
docker exec cfg grep port /etc/app/app.ini
docker exec cfg sed -i 's/workers = 4/workers = 8/' /etc/app/app.ini
docker exec cfg sed -n '4p' /etc/app/app.ini
docker exec cfg sh -c 'while IFS=" = " read key value; do [ -n "$value" ] && echo "$key -> $value"; done < /etc/app/app.ini'
docker diff cfg
docker rm -f cfg
