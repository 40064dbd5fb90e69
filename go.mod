module github.com/rampartsec/rampart

go 1.26
