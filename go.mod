module github.com/credence-project/credence

go 1.26.8
