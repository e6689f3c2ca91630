# busybox ash beyond the basics: parameter operators, backquotes, local, break/continue, read, heredocs, eval
docker import base.tar base:1
docker run --rm --network none base:1 sh -c 'x=/usr/local/lib/file.tar.gz; echo ${x#*/} ${x##*/} ${x%/*} ${x%%.*} ${x#nomatch} "${x%.gz}"; p=lib; echo ${x#*$p} ${x%"/"*}'
docker run --rm --network none base:1 sh -c 'echo ${A:=one} $A; A=; echo ${A:=two} $A; B=; echo [${B=three}] [$B]; echo [${C:+x}] [${A:+y}] ${#A} ${#NOPE}'
docker run --rm --network none base:1 sh -c 'echo `echo hi` "`echo a b`"; x=`echo 1; echo 2`; echo "$x"; echo `echo \`echo nested\``'
docker run --rm --network none base:1 sh -c 'f(){ local a=1 b; b=2; echo "in $a $b"; g; }; g(){ echo "g sees $a"; }; a=0; f; echo "out $a [$b]"'
docker run --rm --network none base:1 sh -c 'x=out; f(){ local x; echo "[$x]"; x=in; export y=2; local y; echo $x [$y]; }; f; echo $x [$y]; v="a b"; export w=$v; echo "[$w]"'
docker run --rm --network none base:1 sh -c 'f(){ local n=$1; shift; echo "$n:$#:$@"; [ $# -gt 0 ] && f "$@"; echo "back $n"; }; f a "b c" d'
docker run --rm --network none base:1 sh -c 'f(){ echo $#; for a in "$@"; do echo "<$a>"; done; }; f "a b" c; f; g(){ f "$@"; f "x$@y"; }; g 1 "2 3"'
docker run --rm --network none base:1 sh -c 'for i in 1 2 3; do for j in a b c; do [ $j = b ] && continue 2; [ $i = 3 ] && break 2; echo $i$j; done; done; echo done $?'
docker run --rm --network none base:1 sh -c 'i=0; while true; do i=$((i+1)); [ $i -gt 3 ] && break; echo $i; done; echo after $i; for k in 1; do false || break; done; echo $?'
docker run --rm --network none base:1 sh -c 'printf "a\nb c\n  d  e  \n" | while read first rest; do echo "<$first|$rest>"; done'
docker run --rm --network none base:1 sh -c 'echo "k=v=w" > /tmp/f; read a < /tmp/f; echo $a; IFS="=" read k v < /tmp/f; echo "$k|$v"; read n < /dev/null; echo rc $? [$n]; printf "x\\\\y" | read -r r; echo "$r"'
docker run --rm --network none base:1 sh -c 'read x y <<EOF
one two three
EOF
echo "[$x] [$y]"
n=0
while read line; do n=$((n+1)); echo "$n: $line"; done <<EOF
first
second line
EOF'
docker run --rm --network none base:1 sh -c 'cat <<EOF
home is $HOME
$(echo sub) and \$literal and `echo bq`
EOF
cat <<"EOF"
raw $HOME
EOF
cat <<-EOF
	tabbed $((1+2))
	EOF
cat > /tmp/conf <<EOF
a=1
b=2
EOF
cat /tmp/conf; wc -l < /tmp/conf'
docker run --rm --network none base:1 sh -c 'eval echo hi; x=y; eval "$x=5"; echo $y; cmd="echo a; echo b"; eval $cmd; eval "false"; echo rc $?; eval; echo rc $?; eval "echo to-file" > /tmp/e; cat /tmp/e'
docker run --rm --network none base:1 sh -c 'case /etc/passwd in /etc/*) echo etc;; esac; case file.TXT in *.[Tt][Xx][Tt]) echo text;; esac; case "a b" in "a "*) echo quoted-space;; esac; case x in [!a-c]) echo notabc;; esac; case "*" in "*") echo star;; esac; v=ab; case abc in $v*) echo var;; esac'
docker run --rm --network none base:1 sh -c 'printf "%d %d %d %d %d|\n" 010 0x10 -5 +3 " 7"; printf "%d\n" "'"'"'A"; printf "%x|%o|%#x\n" -1 -1 255; printf "%s|%10.3s|%-4c|\n" abc abcdef z; printf "%b|\n" "a\\tb\\c" zz; printf "100%%\n"; printf "%5s%%\n" 5; printf -- "-x\n"; printf "%s\n" -- x'
docker run --rm --network none base:1 sh -c 'printf "%d\n" 1 2 3; printf "%s %s\n" a; printf "%03d-%.3d\n" 5 5; printf "[% 5d][%+.2d]\n" 3 3; printf "%i\n" 12abc; echo rc $?; printf "\101\x41|\n"'
docker run --rm --network none base:1 printf "%d|%s\n" x y
docker run --rm --network none base:1 sh -c 'a=1 b=$a; echo $a $b; x=1 y=2; echo "$x $y|$x  $y"'
docker run --rm --network none -w /tmp base:1 pwd
docker run --rm --network none base:1 sh -c 'printf "#!/bin/sh\necho \"\$0 got \$1\"\n" > /bin/hello; chmod 755 /bin/hello; hello world; /bin/hello again'
