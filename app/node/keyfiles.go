package node

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/cometbft/cometbft/crypto"
	cmtjson "github.com/cometbft/cometbft/libs/json"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/privval"
)

// checkKeyFiles reads the node's key files named in config.toml before the
// node starts: CometBFT ends the process or panics on a missing or corrupt
// validator key or state file, and names no file for a corrupt node key.
// The errors here name the file and what is wrong with it.
func checkKeyFiles(conf *cmtcfg.Config) error {
	if _, err := LoadNodeKey(conf.NodeKeyFile()); err != nil {
		return err
	}
	if _, err := LoadValidatorPubKey(conf.PrivValidatorKeyFile()); err != nil {
		return err
	}
	var state privval.FilePVLastSignState
	return readKeyFile("validator state", conf.PrivValidatorStateFile(),
		"it records the last vote the validator signed; put back its latest copy (an older one can make the validator sign twice)", &state)
}

// LoadNodeKey reads the node's p2p key from path; its errors name the file.
func LoadNodeKey(path string) (*p2p.NodeKey, error) {
	var nk p2p.NodeKey
	if err := readKeyFile("node key", path, restoreKey, &nk); err != nil {
		return nil, err
	}
	if err := checkPrivKey(nk.PrivKey); err != nil {
		return nil, fmt.Errorf("node key file %s is not valid: %w", path, err)
	}
	return &nk, nil
}

// LoadValidatorPubKey reads the public key of the node's validator key
// file at path (config/priv_validator_key.json); its errors name the file.
func LoadValidatorPubKey(path string) ([]byte, error) {
	var pv privval.FilePVKey
	if err := readKeyFile("validator key", path, restoreKey, &pv); err != nil {
		return nil, err
	}
	if err := checkPrivKey(pv.PrivKey); err != nil {
		return nil, fmt.Errorf("validator key file %s is not valid: %w", path, err)
	}
	return pv.PrivKey.PubKey().Bytes(), nil
}

const restoreKey = "restore it from the node's backup (a new node's home is made by 'corridord init')"

// readKeyFile decodes the key file path (CometBFT's JSON) into v; what
// names the file in errors, and ifMissing says what to do when it is absent.
func readKeyFile(what, path, ifMissing string, v any) error {
	bz, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s file %s is missing: %s", what, path, ifMissing)
	}
	if err != nil {
		return fmt.Errorf("%s file: %w", what, err)
	}
	if err := cmtjson.Unmarshal(bz, v); err != nil {
		return fmt.Errorf("%s file %s is not valid: %w", what, path, err)
	}
	return nil
}

// checkPrivKey checks that a key read from a key file can sign: CometBFT
// panics on a key that is absent or of the wrong length.
func checkPrivKey(k crypto.PrivKey) (err error) {
	if k == nil {
		return errors.New("it holds no priv_key")
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("its priv_key is not a usable key: %v", r)
		}
	}()
	msg := []byte("corridord key check")
	sig, err := k.Sign(msg)
	if err != nil {
		return fmt.Errorf("its priv_key does not sign: %w", err)
	}
	if !k.PubKey().VerifySignature(msg, sig) {
		return errors.New("its priv_key makes signatures its public key does not verify")
	}
	return nil
}
