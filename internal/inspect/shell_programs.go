package inspect

import "strings"

// shellPrograms are Unix and Windows programs attackers run through a
// command injection, by kind.
var shellPrograms = func() map[string]shellKind {
	m := map[string]shellKind{}
	add := func(k shellKind, names string) {
		for _, n := range strings.Fields(names) {
			m[n] = k
		}
	}
	add(shellExotic, `whoami uname ifconfig ipconfig netstat nslookup systeminfo tasklist taskkill powershell pwsh certutil
		bitsadmin wget ncat netcat busybox mkfifo mknod chmod chown chgrp printenv useradd usermod userdel groupadd
		crontab xxd wmic visudo gunzip zcat zstdcat bzcat xzcat bsdtar ansible ansible-playbook ansible-console
		ansible-galaxy ansible-vault ansible-inventory ansible-pull ansible-doc ansible-config chef-client chef-solo
		chef-shell chef-apply cscli strace ltrace socat nmap tcpdump iptables ip6tables systemctl journalctl dmesg
		lsof pkexec basenc c89 c99 irb tclsh ls pwd hostname tftp nawk mawk rm rmdir chattr lsattr ssh-keygen
		ssh-copy-id ssh-agent ssh-add ssh-keyscan scp sftp traceroute tracert tracepath pathping arp ifup ifdown nproc
		lscpu lsblk lsusb lspci lsmod insmod rmmod modprobe umount fdisk mkfs unzip rpm dpkg apt-get apt-cache
		aptitude yum dnf zypper pacman flatpak doas killall pkill pgrep pidof htop uptime getent getfacl setfacl
		hexdump readlink realpath egrep fgrep rgrep whereis uuencode uudecode lftp sendmail mutt gdb lldb rmt rmt-tar
		rmt-dump uconv iconv cpulimit taskset chroot unshare nsenter systemd-run ulimit umask disown pushd popd mktemp
		tailf vipw vigr busctl dbus-send loginctl hostnamectl timedatectl resolvectl nmcli netplan ethtool iwconfig
		cmd cmd.exe command.com iex iwr irm iwmi icm saps invoke-webrequest invoke-expression invoke-restmethod
		invoke-wmimethod invoke-command invoke-item start-process new-object get-content set-content get-childitem
		get-wmiobject get-process stop-process get-service net1 regedit reg.exe regsvr32 rundll32 mshta cscript
		wscript msiexec bcdboot bcdedit schtasks wevtutil vssadmin wbadmin diskpart attrib icacls cacls takeown netsh
		nltest dsquery qwinsta klist cmdkey forfiles findstr xcopy robocopy mklink msbuild installutil regasm regsvcs
		csc nbtstat esentutl ntdsutil wusa`)
	add(shellWordy, `base32 base64 gzip bzip2 zstd unxz lzma 7z 7za rar unrar knife gcc g++ cc clang clang++ tcc python python2 python3 pip pip3 pipx perl ruby php node nodejs npm npx deno
		lua luajit wish expect bash zsh ksh dash tcsh csh sh rbash awk gawk sed rsync telnet apk snap sudo grep
		openssl gpg vim nvim emacs nano perf flock setsid screen tmux wall shred unlink truncate fuser ss runas time
		nohup xargs command builtin
		curl nc cat echo sleep ping dir type find head tail more less nl od tac kill timeout net reg
		ps ver exec eval set env id column fold comm cut paste sort uniq wc tr tee diff cmp split expand fmt
		rev shuf seq date cal bc expr bridge vi ex ed pico mail ftp dig host route ip mount dd tar zip df du
		free top who last which locate file stat strings source trap export unset alias history jobs bg fg
		touch mkdir cp mv ln ll la su at batch service shutdown reboot halt poweroff init telinit write
		format copy del erase move ren rename start call query sc tree print printf mysql psql sqlite3 nice
		renice ionice test`)
	return m
}()

// shellPrefixes are the words that run the command after them.
var shellPrefixes = map[string]bool{"time": true, "nohup": true, "strace": true, "ltrace": true, "sudo": true, "nice": true,
	"timeout": true, "xargs": true, "command": true, "builtin": true, "exec": true, "doas": true, "ionice": true, "env": true}

// shellSensitiveArgs are file names whose appearance as an argument makes
// a word program a command (cat passwd, fold shadow).
var shellSensitiveArgs = []string{"passwd", "shadow", "/etc", "/dev/", "/proc/", "/tmp/", "/var/"}
